using EtcdRemediator.DefragRules;

namespace EtcdRemediator.Tests.DefragRules;

/// <summary>What the rule tests share: a rule parsed as the configuration's key parses it, and a member's status by its sizes.</summary>
internal static class RuleFixtures
{
    public const string Key = "Remediator:Clusters:0:DefragRule";
    public const long MiB = 1024 * 1024;

    public static MemberStatus Status(long size, long inUse, long quota = 0) => new(1, "3.5.30", size, inUse, 1, 1, 1, 1, false, [], quota);

    public static DefragRule Rule(string text) => DefragRule.Parse(text, Key);

    /// <summary>The error of a rule that must not parse.</summary>
    public static RuleError ErrorOf(string text)
    {
        Assert.False(DefragRule.TryParse(text, Key, out _, out var error));
        return error!;
    }
}

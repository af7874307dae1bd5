using static EtcdRemediator.Tests.DefragRules.RuleFixtures;
using static EtcdRemediator.Tests.Remediation.ClusterStates;

namespace EtcdRemediator.Tests.DefragRules;

/// <summary>
/// CEL's doubles are IEEE 754: a division by 0.0 is an infinity or NaN, and comparisons with them answer without a word.
/// A rule that compares such a number could not judge the member, and says so.
/// </summary>
public sealed class NotFiniteRuleTests
{
    /// <summary>This Cel package makes every double division by 0.0 NaN (CEL's specification says +Inf or -Inf); either is caught.</summary>
    [Theory]
    [InlineData("double(dbSizeFree) / 0.0 > 0.5", "'double(dbSizeFree) / 0.0' is NaN")]
    [InlineData("double(dbSizeFree) / 0.0 < 0.5", "'double(dbSizeFree) / 0.0' is NaN")]
    [InlineData("double(dbSize - dbSize) / double(dbSizeFree - dbSizeFree) < 0.5", "is NaN (a division by 0.0, or an infinity less another)")]
    [InlineData("0.5 <= -1.0e308 * double(dbSize)", "'-1.0e308 * double(dbSize)' is -Inf")]
    [InlineData("1.0e308 * 10.0 * double(dbSize) > 1.0", "is +Inf (a division by 0.0, or a value beyond the largest double)")]
    [InlineData("dbSize > double(dbSizeFree) / 0.0", "'double(dbSizeFree) / 0.0' is NaN")]
    [InlineData("int(double(dbSize) * 1.0e308) > 1", "'double(dbSize) * 1.0e308' is +Inf")]
    [InlineData("dbQuotaUsage / 0.0 > 0.8", "'dbQuotaUsage / 0.0' is NaN")]
    [InlineData("dbSize > 0 && double(dbSizeFree) / 0.0 > 0.5", "'double(dbSizeFree) / 0.0' is NaN")]
    [InlineData("dbSize == 0 || (dbSize > 1 ? double(dbSizeFree) / 0.0 : 1.0) > 0.5", "'(dbSize > 1 ? double(dbSizeFree) / 0.0 : 1.0)' is NaN")]
    public void ARuleThatComparesANumberThatIsNotFiniteCouldNotJudgeTheMemberAndSaysWhichPart(string text, string why)
    {
        var outcome = Rule(text).Evaluate(Status(100 * MiB, 10 * MiB, quota: 200 * MiB));

        Assert.False(outcome.Chosen);
        Assert.NotNull(outcome.Error);
        Assert.Contains(why, outcome.Error, StringComparison.Ordinal);
        Assert.Contains("which no comparison can judge", outcome.Error, StringComparison.Ordinal);
    }

    /// <summary>CEL's <c>&amp;&amp;</c> and <c>||</c> drop an error on a side that the other decides, and ?: evaluates one branch: a guard still guards.</summary>
    [Theory]
    [InlineData("dbSize > 0 && dbSizeFree > 0 && double(dbSizeFree) / double(dbSize) >= 0.5", false)]
    [InlineData("double(dbSizeFree) / double(dbSize) >= 0.5 && dbSize > 0", false)]
    [InlineData("dbSize == 0 || double(dbSizeFree) / double(dbSize) >= 0.5", true)]
    [InlineData("dbSize > 0 ? double(dbSizeFree) / double(dbSize) >= 0.5 : false", false)]
    public void AGuardedDivisionOnAnEmptyMemberIsAnAnswerNotAnError(string text, bool chosen)
    {
        var outcome = Rule(text).Evaluate(Status(0, 0));

        Assert.Null(outcome.Error);
        Assert.Equal(chosen, outcome.Chosen);
    }

    [Theory]
    [InlineData("double(dbSizeFree) / double(dbSize) > 0.8", true)]
    [InlineData("(dbQuotaUsage > 0.5 ? 2.0 : 1.0) * dbQuotaUsage > 1.0", true)]
    [InlineData("int(dbQuotaUsage * 10.0) >= 6 && -dbQuotaUsage < -0.5", true)]
    [InlineData("dbQuotaUsage != 0.6 || double(dbSizeInUse) >= 1.0e300", false)]
    public void FiniteDoublesAreComparedAsBefore(string text, bool chosen)
    {
        var outcome = Rule(text).Evaluate(Status(60 * MiB, 6 * MiB, quota: 100 * MiB));

        Assert.Null(outcome.Error);
        Assert.Equal(chosen, outcome.Chosen);
    }

    [Fact]
    public void AnErrorInsideAndOrOrSaysWhatItWasNotThatTheSidesCouldNotBeCompared()
    {
        var outcome = Rule("dbSize >= 0 && dbSizeFree / dbSize > 0").Evaluate(Status(0, 0));

        Assert.False(outcome.Chosen);
        Assert.Contains("zero", outcome.Error, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Could not compare", outcome.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void ThePlanNamesEachMemberTheRuleCouldNotJudgeAndDefragmentsNone()
    {
        var rule = Rule("dbSize > 50 * 1024 * 1024 && double(dbSizeFree) / double(dbSize - dbSizeInUse - dbSizeFree) > 0.5");
        var state = Cluster().Leader(1).Member(1, 100, 10).Member(2, 100, 10).Member(3, 40, 10).Build();

        var plan = Planner.Plan(state, RemediationAction.Defrag, new PolicyOptions(), rule: rule);

        Assert.Equal(PlanVerdict.NothingToDo, plan.Verdict);
        Assert.Equal(["m1", "m2"], plan.RuleErrors!.Select(e => e.Split(':')[0]));
        Assert.Contains("the rule could not judge m1: 'double(dbSizeFree) / double(dbSize - dbSizeInUse - dbSizeFree)' is NaN",
            plan.Reason, StringComparison.Ordinal);
    }
}

using System.Globalization;
using Cel;
using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd;

namespace EtcdRemediator.DefragRules;

/// <summary>A member's numbers as the rule saw them (etcd-defrag's names); quota null when the rule did not need it.</summary>
/// <param name="QuotaReportedByEtcd">False: <c>dbQuota</c> is the cluster's configured <c>QuotaBackendBytes</c>.</param>
internal sealed record RuleValues(long DbSize, long DbSizeInUse, long DbSizeFree, long? DbQuota = null, double? DbQuotaUsage = null,
    bool? QuotaReportedByEtcd = null);

/// <summary>What the rule said of one member: chosen, and with what values; or why it could not say (then not chosen).</summary>
internal sealed record RuleOutcome(bool Chosen, RuleValues Values, string? Error = null);

/// <summary>
/// A cluster's defrag rule: a CEL expression over one member's numbers, true when the member is to be
/// defragmented. Parsed and type-checked once (<see cref="RuleChecker"/>), evaluated by the Cel package.
/// </summary>
internal sealed class DefragRule
{
    /// <summary>How the default rule's <see cref="Source"/> ends.</summary>
    public const string DefaultMark = "(no DefragRule configured)";

    private static readonly CelEnvironment Environment = new([], "");
    private readonly CelProgramDelegate _program;

    private DefragRule(string text, string source, CelProgramDelegate program, bool usesQuota)
    {
        (Text, Source, _program, UsesQuota) = (text, source, program, usesQuota);
    }

    public string Text { get; }

    /// <summary>Where it comes from: its configuration key, or the policy keys the default is built from.</summary>
    public string Source { get; }

    /// <summary>The rule names <c>dbQuota</c> or <c>dbQuotaUsage</c>: the caller must know the quota.</summary>
    public bool UsesQuota { get; }

    public static bool TryParse(string text, string source, out DefragRule? rule, out RuleError? error)
    {
        (rule, error) = (null, null);
        var used = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            var tree = RuleChecker.Check(text, used);
            rule = new DefragRule(text, source, Environment.Compile(tree), used.Overlaps(["dbQuota", "dbQuotaUsage"]));
            return true;
        }
        catch (RuleException e)
        {
            error = e.Error;
            return false;
        }
    }

    public static DefragRule Parse(string text, string source) =>
        TryParse(text, source, out var rule, out var error) ? rule! : throw new ArgumentException($"{source}: {error}", nameof(text));

    /// <summary>Today's thresholds (<c>Policy:MinFragmentationRatio</c>, <c>Policy:MinReclaimableBytes</c>) in the same language.</summary>
    public static DefragRule Default(PolicyOptions policy)
    {
        var ratio = policy.MinFragmentationRatio.ToString("R", CultureInfo.InvariantCulture);
        if (!ratio.Contains('.') && !ratio.Contains('E')) ratio += ".0"; // a CEL double literal, not an int
        return Parse($"dbSize > 0 && dbSizeFree > 0 && dbSizeFree >= {policy.MinReclaimableBytes} " +
            $"&& double(dbSizeFree) / double(dbSize) >= {ratio}",
            $"{RemediatorOptions.Section}:Policy:MinFragmentationRatio and MinReclaimableBytes {DefaultMark}");
    }

    /// <param name="clusterQuota">The cluster's quota (etcd's own where a member says, else the configured one), used where the
    /// member does not report its own; null when not read: a rule that needs it then chooses nobody and says why.</param>
    public RuleOutcome Evaluate(MemberStatus status, long? clusterQuota = null, bool quotaReportedByEtcd = false)
    {
        var values = new RuleValues(status.DbSize, status.DbSizeInUse, status.FreeBytes);
        var variables = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["dbSize"] = values.DbSize,
            ["dbSizeInUse"] = values.DbSizeInUse,
            ["dbSizeFree"] = values.DbSizeFree,
        };
        if (UsesQuota)
        {
            var (quota, reported) = status.DbSizeQuota > 0 ? (status.DbSizeQuota, true) : (clusterQuota, quotaReportedByEtcd);
            if (quota is not > 0) return new RuleOutcome(false, values, "the member's quota is unknown (the rule names dbQuota or dbQuotaUsage)");
            values = values with
            {
                DbQuota = quota,
                DbQuotaUsage = Math.Round((double)status.DbSize / quota.Value, 6),
                QuotaReportedByEtcd = reported,
            };
            variables["dbQuota"] = quota.Value;
            variables["dbQuotaUsage"] = (double)status.DbSize / quota.Value;
        }
        try
        {
            return new RuleOutcome(_program(variables) is true, values);
        }
        catch (CelException e)
        {
            // A division by zero or an overflow on this member's numbers: it is not chosen, and the plan says why.
            return new RuleOutcome(false, values, e.Message);
        }
    }

    public bool IsDefault => Source.EndsWith(DefaultMark, StringComparison.Ordinal);

    public override string ToString() => Text;
}

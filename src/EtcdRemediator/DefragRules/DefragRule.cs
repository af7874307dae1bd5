using System.Globalization;
using Antlr4.Runtime;
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
/// defragmented. Parsed (the Cel package's grammar) and type-checked once (<see cref="RuleChecker"/>), evaluated by
/// <see cref="RuleEvaluator"/>.
/// </summary>
internal sealed class DefragRule
{
    /// <summary>How the default rule's <see cref="Source"/> ends.</summary>
    public const string DefaultMark = "(no DefragRule configured)";

    private readonly RuleProgram _program;
    /// <summary>The doubles the rule compares, as written: what a <see cref="NotFiniteException"/> names.</summary>
    private readonly IReadOnlyList<string> _compared;

    private DefragRule(string text, string source, RuleProgram program, bool usesQuota, IReadOnlyList<string> compared)
    {
        (Text, Source, _program, UsesQuota, _compared) = (text, source, program, usesQuota, compared);
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
        var compared = new List<ParserRuleContext>();
        try
        {
            var tree = RuleChecker.Check(text, used, compared);
            // Evaluated as written, with the check that each compared double is finite.
            var program = RuleEvaluator.Compile(tree, compared);
            rule = new DefragRule(text, source, program, used.Overlaps(["dbQuota", "dbQuotaUsage"]),
                [.. compared.Select(c => text[c.Start.StartIndex..(c.Stop.StopIndex + 1)])]);
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
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031",
        Justification = "Whatever an evaluation throws on one member's numbers, that member is not judged and the plan says why.")]
    public RuleOutcome Evaluate(MemberStatus status, long? clusterQuota = null, bool quotaReportedByEtcd = false)
    {
        var values = new RuleValues(status.DbSize, status.DbSizeInUse, status.FreeBytes);
        var variables = new Dictionary<string, object>(StringComparer.Ordinal)
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
            return new RuleOutcome(_program(variables), values);
        }
        catch (Exception e)
        {
            // A division by zero, an overflow, a double that is not finite: not chosen, and the plan says it could not judge.
            return new RuleOutcome(false, values, Why(e));
        }
    }

    /// <summary>What the evaluation could not get past, in words (a double that is not finite: which part of the rule).</summary>
    private string Why(Exception e) =>
        e is NotFiniteException n ? $"'{_compared[n.Part]}' is {FiniteGuard.Describe(n.Value)}, which no comparison can judge" : e.Message;

    public bool IsDefault => Source.EndsWith(DefaultMark, StringComparison.Ordinal);

    public override string ToString() => Text;
}

using EtcdRemediator.DefragRules;
using EtcdRemediator.Startup;
using static EtcdRemediator.Tests.DefragRules.RuleFixtures;
using static EtcdRemediator.Tests.Remediation.ClusterStates;

namespace EtcdRemediator.Tests.DefragRules;

public sealed class CelDefragRuleTests
{
    /// <summary>Sizes around every edge of the thresholds: empty, nothing free, exactly at the ratio and at the bytes, in use above the file.</summary>
    private static readonly (long Size, long InUse)[] Members =
    [
        (0, 0), (1, 0), (1, 1), (2, 1), (100, 50), (100, 51), (100, 49), (3, 1), (3, 2), (10 * MiB, 5 * MiB),
        (10 * MiB, 5 * MiB + 1), (20 * MiB, 10 * MiB), (20 * MiB, 10 * MiB - 1), (2L << 30, 1L << 30), (8L << 30, 1), (5, 9),
        (1000, 999), (1000, 1), (7, 3), (7, 4), (long.MaxValue / 2, long.MaxValue / 4),
    ];

    private static readonly (double Ratio, long Bytes)[] Policies =
        [(0.5, 0), (0.5, 10 * MiB), (0, 0), (0.3333333333333333, 1), (1e-5, 0), (0.999, 100), (0.1 + 0.2, 0), (0.7, 3)];

    /// <summary>
    /// The thresholds as the planner applied them before rules (its Fragmented check, no longer used by the service):
    /// the reference the default rule must equal.
    /// </summary>
    private static bool FragmentedByThresholds(MemberStatus status, PolicyOptions policy) =>
        status.DbSize > 0
        && status.FragmentationRatio >= policy.MinFragmentationRatio
        && status.FreeBytes >= policy.MinReclaimableBytes
        && status.FreeBytes > 0;

    [Fact]
    public void TheDefaultRuleEqualsTodaysThresholdsOnATableOfMembers()
    {
        foreach (var (ratio, bytes) in Policies)
        {
            var policy = new PolicyOptions { MinFragmentationRatio = ratio, MinReclaimableBytes = bytes };
            var rule = DefragRule.Default(policy);
            Assert.True(rule.IsDefault);
            Assert.False(rule.UsesQuota);
            foreach (var (size, inUse) in Members)
            {
                var status = Status(size, inUse);
                Assert.True(FragmentedByThresholds(status, policy) == rule.Evaluate(status).Chosen, $"{rule.Text} on {size}/{inUse}");
            }
        }
    }

    [Fact]
    public void TheDefaultRuleIsWrittenInCelFromThePolicy()
    {
        var rule = DefragRule.Default(new PolicyOptions { MinFragmentationRatio = 0, MinReclaimableBytes = 4096 });

        Assert.Equal("dbSize > 0 && dbSizeFree > 0 && dbSizeFree >= 4096 && double(dbSizeFree) / double(dbSize) >= 0.0", rule.Text);
        Assert.StartsWith("Remediator:Policy:MinFragmentationRatio and MinReclaimableBytes", rule.Source, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dbSize >", 1, 9, "mismatched input '<EOF>'")]
    [InlineData("dbSize > > 1", 1, 10, "extraneous input '>'")]
    [InlineData("(dbSize > 1", 1, 12, "missing ')'")]
    [InlineData("dbSize @ 1", 1, 8, "token recognition error at: '@'")]
    [InlineData("dbSize > 1\n  && dbSizeFree >", 2, 18, "mismatched input '<EOF>'")]
    public void AParseErrorSaysWhereItIs(string text, int line, int column, string message)
    {
        var error = ErrorOf(text);

        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("dbSize + \"a\" > 1", 10, "\"a\" is not a number or a bool; a rule has only int, double and bool values")]
    [InlineData("dbSize > 1 || dbSize + \"a\"", 24, "\"a\" is not a number or a bool")]
    [InlineData("dbSize > 1 || dbSize + 1", 15, "each side of '||' must be bool, not int")]
    [InlineData("dbsize > 1", 1, "unknown variable 'dbsize'; a rule knows dbSize, dbSizeInUse, dbSizeFree, dbQuota, dbQuotaUsage")]
    [InlineData("false && unknownVar > 1", 10, "unknown variable 'unknownVar'")]
    [InlineData("dbSize", 1, "the rule is int, it must be bool")]
    [InlineData("dbQuotaUsage * 100.0", 1, "the rule is double, it must be bool")]
    [InlineData("dbQuotaUsage * 100 > 80.0", 14, "no operator '*' for double and int; CEL does not mix int and double in arithmetic")]
    [InlineData("dbSize + 0.5 > 1.0", 8, "no operator '+' for int and double")]
    [InlineData("dbSize > 1 && dbSizeFree", 15, "each side of '&&' must be bool, not int")]
    [InlineData("!dbSize", 2, "the operand of '!' must be bool, not int")]
    [InlineData("dbSize > true", 8, "no operator '>' for int and bool")]
    [InlineData("dbSize > 1u", 10, "1u is not a number or a bool")]
    [InlineData("size(dbSize) > 1", 1, "unknown function 'size'")]
    [InlineData("dbSize in [1]", 11, "'[1]' is not part of a defrag rule")]
    [InlineData("dbSize.x > 1", 1, "'dbSize.x' is not part of a defrag rule")]
    [InlineData("dbSize > 1 ? 1 : 2.0", 16, "both sides of ':' must have one type, not int and double")]
    [InlineData("dbQuotaUsage % 2.0 > 0.0", 14, "no operator '%' for double and double")]
    public void ATypeErrorSaysWhereItIs(string text, int column, string message)
    {
        var error = ErrorOf(text);

        Assert.Equal((1, column), (error.Line, error.Column));
        Assert.StartsWith(message, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Every rule docs/configuration.md shows parses and type-checks, and its default is the one the service builds.</summary>
    [Fact]
    public void TheDocumentedRulesOfTheConfigurationPageParse()
    {
        var page = File.ReadAllText(Path.Combine(Architecture.LineLengthTests.RepositoryRoot(), "docs", "configuration.md"));
        var examples = System.Text.RegularExpressions.Regex.Matches(page, "DefragRule: \"(.+)\"").Select(m => m.Groups[1].Value).ToList();

        Assert.Equal(2, examples.Count);
        Assert.All(examples, text => Rule(text));
        var shown = DefragRule.Default(new PolicyOptions { MinFragmentationRatio = 0.5, MinReclaimableBytes = 7 }).Text
            .Replace("7", "<MinReclaimableBytes>", StringComparison.Ordinal).Replace("0.5", "<MinFragmentationRatio>", StringComparison.Ordinal);
        Assert.Contains($"`{shown}`", page, StringComparison.Ordinal);
    }

    /// <summary>More rules, so that every construct docs/configuration.md lists parses and type-checks.</summary>
    [Theory]
    [InlineData("dbQuotaUsage > 0.8 || (dbSizeFree > 200 * 1024 * 1024 && double(dbSizeFree) / double(dbSize) > 0.5)")]
    [InlineData("dbSizeFree > 1024 * 1024 * 1024")]
    [InlineData("dbSize > 100 * 1024 * 1024 && dbSizeInUse * 2 < dbSize")]
    [InlineData("dbSize > 0 && dbSizeFree > 0 && dbSizeFree >= 0 && double(dbSizeFree) / double(dbSize) >= 0.5")]
    [InlineData("dbQuota - dbSize < 512 * 1024 * 1024 ? dbSizeFree > 64 * 1024 * 1024 : int(dbQuotaUsage * 10.0) >= 9")]
    [InlineData("!(dbSize < 1) && -dbSizeFree < -1 && (true || false) == true && dbSize != 3")]
    public void TheDocumentedRulesParse(string text) => Rule(text);

    [Theory]
    [InlineData("dbSize > 16 * 1024 * 1024", 20, 19, 0, true)]
    [InlineData("dbSize > 16 * 1024 * 1024", 10, 1, 0, false)]
    [InlineData("dbSizeFree >= 512 * 1024 && dbSizeInUse < 4 * 1024 * 1024", 10, 1, 0, true)]
    [InlineData("dbSizeFree / dbSize > 0", 10, 1, 0, false)] // CEL divides ints as ints: 9/10 is 0
    [InlineData("double(dbSizeFree) / double(dbSize) > 0.8", 10, 1, 0, true)]
    [InlineData("dbQuotaUsage > 0.8", 90, 10, 100, true)]
    [InlineData("dbQuotaUsage > 0.8", 70, 10, 100, false)]
    [InlineData("dbQuotaUsage > 0.8 || (dbSizeFree > 200 * 1024 * 1024 && double(dbSizeFree) / double(dbSize) > 0.5)", 500, 100, 8000, true)]
    [InlineData("dbQuotaUsage > 0.8 || (dbSizeFree > 200 * 1024 * 1024 && double(dbSizeFree) / double(dbSize) > 0.5)", 500, 300, 8000, false)]
    [InlineData("dbQuota == 100 * 1024 * 1024 && dbSize > 1", 2, 1, 100, true)]
    public void ARuleChoosesMembersByTheirNumbers(string text, long sizeMib, long inUseMib, long quotaMib, bool chosen)
    {
        var outcome = Rule(text).Evaluate(Status(sizeMib * MiB, inUseMib * MiB, quotaMib * MiB));

        Assert.Null(outcome.Error);
        Assert.Equal(chosen, outcome.Chosen);
        Assert.Equal((sizeMib * MiB, inUseMib * MiB, (sizeMib - inUseMib) * MiB), (outcome.Values.DbSize, outcome.Values.DbSizeInUse, outcome.Values.DbSizeFree));
    }

    [Fact]
    public void TheQuotaIsTheMembersOwnElseTheClustersAndUnknownChoosesNobodyWithAReason()
    {
        var rule = Rule("dbQuotaUsage > 0.5");

        var own = rule.Evaluate(Status(60, 10, quota: 100), clusterQuota: 1000, quotaReportedByEtcd: false);
        var cluster = rule.Evaluate(Status(60, 10), clusterQuota: 100, quotaReportedByEtcd: false);
        var unknown = rule.Evaluate(Status(60, 10));

        Assert.True(rule.UsesQuota);
        Assert.Equal((true, 100L, 0.6, true), (own.Chosen, own.Values.DbQuota, own.Values.DbQuotaUsage, own.Values.QuotaReportedByEtcd));
        Assert.Equal((true, 100L, false), (cluster.Chosen, cluster.Values.DbQuota, cluster.Values.QuotaReportedByEtcd));
        Assert.False(unknown.Chosen);
        Assert.Contains("quota is unknown", unknown.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void AnEvaluationErrorChoosesNobodyAndSaysWhy()
    {
        var outcome = Rule("dbSizeFree / dbSize > 0").Evaluate(Status(0, 0));

        Assert.False(outcome.Chosen);
        Assert.Contains("zero", outcome.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ABadRuleStopsTheStartUpNamingTheKeyAndThePosition()
    {
        var options = new RemediatorOptions
        {
            Clusters = [new ClusterOptions { Name = "prod", Endpoints = ["http://127.0.0.1:2379"], DefragRule = "dbSize + \"a\" > 1" }],
        };

        var error = Assert.Single(RemediatorOptionsValidator.Collect(options, inKubernetes: false));

        Assert.Equal($"{Key}: 'dbSize + \"a\" > 1' at column 10: \"a\" is not a number or a bool; a rule has only int, double and bool values.",
            error);
    }

    [Fact]
    public void AnEmptyRuleIsTheDefault()
    {
        var options = new RemediatorOptions { Clusters = [new ClusterOptions { Name = "prod", Endpoints = ["http://127.0.0.1:2379"], DefragRule = " " }] };

        Assert.Empty(RemediatorOptionsValidator.Collect(options, inKubernetes: false));
        Assert.True(DefragRuleBook.Of(options, "prod").IsDefault);
    }

    [Fact]
    public void ThePlanSaysWhichRuleChoseEachMemberAndWithWhatValues()
    {
        var rule = Rule("dbSize > 50 * 1024 * 1024");
        var state = Cluster().Leader(1).Member(1, 100, 90).Member(2, 40, 1).Member(3, 60, 59).Build();

        var plan = Planner.Plan(state, RemediationAction.Defrag, new PolicyOptions(), rule: rule);
        var every = Planner.Plan(state, RemediationAction.Defrag, new PolicyOptions(), ignoreThresholds: true, rule: rule);
        var noSpace = Planner.Plan(Cluster().Leader(1).Member(1, 100, 90).Member(2, 40, 1).Alarm(2, AlarmKind.NoSpace).Build(),
            RemediationAction.Recover, new PolicyOptions(), rule: rule);

        Assert.Equal(["m3", "m1"], plan.Members.Select(m => m.Name));
        Assert.All(plan.Members, m => Assert.Equal((RuleChoice.DefragRule, rule.Text, Key), (m.ChosenBy!.By, m.ChosenBy.Rule, m.ChosenBy.Source)));
        Assert.Equal(new RuleValues(60 * MiB, 59 * MiB, MiB), plan.Members[0].ChosenBy!.Values);
        Assert.Equal(3, every.Members.Count);
        Assert.All(every.Members, m => Assert.Equal(RuleChoice.IgnoreThresholds, m.ChosenBy!.By));
        Assert.All(noSpace.Members, m => Assert.Equal(RuleChoice.NoSpaceAlarm, m.ChosenBy!.By));
        Assert.Equal(2, noSpace.Members.Count);
    }

    [Fact]
    public void NoMemberMatchingACustomRuleNamesTheRuleAndWhatItCouldNotJudge()
    {
        var plan = Planner.Plan(Cluster().Leader(1).Member(1, 100, 90).Member(2, 40, 1).Build(), RemediationAction.Defrag, new PolicyOptions(),
            rule: Rule("dbQuotaUsage > 0.9"));

        Assert.Equal(PlanVerdict.NothingToDo, plan.Verdict);
        Assert.StartsWith($"no member matches the defrag rule {Key} = 'dbQuotaUsage > 0.9'", plan.Reason, StringComparison.Ordinal);
        Assert.Contains("the rule could not judge m1: the member's quota is unknown", plan.Reason, StringComparison.Ordinal);
        Assert.Equal(2, plan.RuleErrors!.Count);
    }
}

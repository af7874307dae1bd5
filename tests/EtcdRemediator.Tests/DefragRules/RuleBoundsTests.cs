using EtcdRemediator.DefragRules;
using EtcdRemediator.Startup;
using static EtcdRemediator.Tests.DefragRules.RuleFixtures;

namespace EtcdRemediator.Tests.DefragRules;

/// <summary>A rule nested 30,000 deep once overflowed the stack at start-up: the process died instead of naming the key.</summary>
public sealed class RuleBoundsTests
{
    private static string Nested(int depth, string inner = "dbSize > 0") => new string('(', depth) + inner + new string(')', depth);

    [Fact]
    public void ARuleNestedThirtyThousandDeepStopsTheStartUpNamingItsKeyAndQuotingItShort()
    {
        var options = new RemediatorOptions
        {
            Clusters = [new ClusterOptions { Name = "prod", Endpoints = ["http://127.0.0.1:2379"], DefragRule = Nested(30_000) }],
        };

        var error = Assert.Single(RemediatorOptionsValidator.Collect(options, inKubernetes: false));

        Assert.StartsWith($"{Key}: '((((", error, StringComparison.Ordinal);
        Assert.Contains("(60010 characters)", error, StringComparison.Ordinal);
        Assert.EndsWith("the rule is 60010 characters long; at most 4096.", error, StringComparison.Ordinal);
        Assert.True(error.Length < 400, error);
    }

    [Fact]
    public void SixtyThreeBracketsAroundAComparisonParseAndSixtyFiveAreRefusedWhereTheyGoTooDeep()
    {
        Assert.True(DefragRule.TryParse(Nested(63), Key, out _, out _));

        var error = ErrorOf(Nested(65));

        Assert.Equal(65, error.Column);
        Assert.StartsWith("the rule nests deeper than 64 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SixtyFiveConditionsWithinOneAnotherAreRefused()
    {
        var error = ErrorOf(string.Concat(Enumerable.Repeat("dbSize > 0 ? true : ", 65)) + "false");

        Assert.StartsWith("the rule nests deeper than 64 levels", error.Message, StringComparison.Ordinal);
    }

    /// <summary>No bracket at all, yet the tree is one level deeper per operator: what the type check and Cel recurse on.</summary>
    [Fact]
    public void AChainOfTwoThousandAdditionsIsRefused()
    {
        var error = ErrorOf(string.Join('+', Enumerable.Repeat("1", 2_000)) + " > 0");

        Assert.StartsWith("the rule nests deeper than 64 levels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ARuleLongerThan4096CharactersIsRefusedEvenIfFlat()
    {
        var error = ErrorOf(string.Join(" || ", Enumerable.Repeat("dbSize > 0", 400)));

        Assert.Equal("the rule is 5596 characters long; at most 4096", error.Message);
    }
}

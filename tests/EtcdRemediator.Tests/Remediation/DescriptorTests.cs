using System.Text.Json;

namespace EtcdRemediator.Tests.Remediation;

/// <summary>
/// One row per action and per trigger kind: a value added to either enum without its row, or with a
/// name or strength another one has, fails here before any rule can treat it as something else.
/// </summary>
public sealed class DescriptorTests
{
    // By name: the enums are internal, and a public theory cannot take them (see Arg).
    public static TheoryData<string> Actions => [.. Enum.GetValues<RemediationAction>().Select(a => a.ToString())];

    public static TheoryData<string> Kinds => [.. Enum.GetValues<TriggerKind>().Select(k => k.ToString())];

    [Theory]
    [MemberData(nameof(Actions))]
    public void EveryActionHasItsRowAndItsNameReadsBackAsItself(string actionName)
    {
        var action = Enum.Parse<RemediationAction>(actionName);
        var traits = action.Of();

        Assert.Equal(action, traits.Action);
        Assert.True(RemediationActions.TryParse(traits.Name.ToUpperInvariant(), out var parsed) && parsed == action);
        Assert.Equal($"\"{traits.Name}\"", JsonSerializer.Serialize(action, JsonSerializerOptions.Web));
        Assert.Contains(traits.Name, RemediationActions.Names);
        Assert.True(!traits.Rewrites || traits.Snapshot != SnapshotWhen.Never, $"{traits.Name} rewrites members without a snapshot before");
    }

    /// <summary>The names are the C# names in kebab case, pinned here: they are in stored runs, routes and runbooks.</summary>
    [Fact]
    public void TheWireNamesAreTheOnesStoredRunsAndRunbooksUseAndNumbersAreRefused()
    {
        Assert.Equal(["snapshot", "disarm", "defrag", "recover"], Enum.GetValues<RemediationAction>().Select(a => a.ToName()));
        Assert.Equal(["manual", "alert", "schedule", "watch", "follow-up", "window", "forecast"],
            Enum.GetValues<TriggerKind>().Select(k => k.ToName()));
        // A number is no name: an enum read from "2" would follow the declaration order, which means nothing.
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<RemediationAction>("2", JsonSerializerOptions.Web));
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<TriggerKind>("\"follow-on\"", JsonSerializerOptions.Web));
    }

    [Fact]
    public void ActionsHaveDistinctNamesAndStrengths()
    {
        var rows = Enum.GetValues<RemediationAction>().Select(a => a.Of()).ToList();

        Assert.Equal(rows.Count, rows.Select(r => r.Name).Distinct().Count());
        Assert.Equal(rows.Count, rows.Select(r => r.Strength).Distinct().Count());
        Assert.Equal(RemediationAction.Recover, rows.Select(r => r.Action).Strongest()); // NOSPACE first
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryTriggerKindHasItsRowAndIsStoredByItsName(string kindName)
    {
        var kind = Enum.Parse<TriggerKind>(kindName);
        var traits = kind.Of();

        Assert.Equal(kind, traits.Kind);
        Assert.Equal($"\"{traits.Name}\"", JsonSerializer.Serialize(kind, JsonSerializerOptions.Web));
        Assert.Equal(kind, JsonSerializer.Deserialize<TriggerKind>($"\"{traits.Name}\"", JsonSerializerOptions.Web));
    }

    [Fact]
    public void AStoredRunWithAnActionThisVersionDoesNotKnowIsAnErrorNamingTheRunNotASnapshot()
    {
        var run = new RunRecord
        {
            Id = "r-20261126-abcdef12",
            Cluster = "lab",
            Action = RemediationAction.Defrag,
            Trigger = new RunTrigger(TriggerKind.Alert, "etcdDatabaseHighFragmentationRatio"),
            CreatedAt = DateTimeOffset.UnixEpoch,
        };
        var json = JsonSerializer.Serialize(run, JsonSerializerOptions.Web);
        Assert.Equal(run.Action, RunStore.Parse(json).Action);

        var e = Assert.Throws<StoreUnavailableException>(() => RunStore.Parse(json.Replace("\"defrag\"", "\"rebalance\"", StringComparison.Ordinal)));

        Assert.Contains("r-20261126-abcdef12", e.Message, StringComparison.Ordinal);
    }
}

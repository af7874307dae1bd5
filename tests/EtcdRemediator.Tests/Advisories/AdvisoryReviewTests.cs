using EtcdRemediator.Advisories;
using EtcdRemediator.Startup;
using static EtcdRemediator.Tests.Remediation.ClusterStates;

namespace EtcdRemediator.Tests.Advisories;

public sealed class AdvisoryReviewTests
{
    private const string Key = "Remediator:Clusters:0:AcceptedAdvisories";

    private static readonly EtcdRemediator.Etcd.ClusterState Mixed = Cluster()
        .Member(1, 100, 20, version: "3.5.30")
        .Member(2, 100, 20, version: "3.5.16")
        .Member(3, 100, 20, version: "3.5.30")
        .Build();

    [Fact]
    public void AnUnforcedRunIsRefusedNamingTheAdvisoryTheFixedReleaseAndTheKeyThatAcceptsIt()
    {
        var verdict = AdvisoryReview.Of(Mixed, ["1", "2", "3"], [], force: false, Key);

        Assert.Equal([("m2", "defrag-error-panic", "3.5.17", AdvisoryDisposition.Refused), ("m2", "defrag-apply-snapshot-race", "3.5.23", AdvisoryDisposition.Refused)],
            verdict.Findings.Select(f => (f.Member, f.Advisory, f.FixedIn, f.Disposition)));
        Assert.NotNull(verdict.Refusal);
        Assert.Contains("m2 (etcd 3.5.16) is affected by advisory defrag-error-panic, fixed in 3.5.17", verdict.Refusal, StringComparison.Ordinal);
        Assert.Contains($"{Key} = defrag-error-panic, defrag-apply-snapshot-race", verdict.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void AForcedRunGoesAheadWithTheAdvisoriesAsWarnings()
    {
        var verdict = AdvisoryReview.Of(Mixed, ["2"], [], force: true, Key);

        Assert.Null(verdict.Refusal);
        Assert.All(verdict.Findings, f => Assert.Equal(AdvisoryDisposition.Forced, f.Disposition));
        Assert.Contains("the run is forced, so it goes ahead", verdict.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void AnAcceptedAdvisoryLetsTheRunGoAheadAndOnlyTheOthersRefuseIt()
    {
        var all = AdvisoryReview.Of(Mixed, ["2"], ["DEFRAG-ERROR-PANIC", "defrag-apply-snapshot-race"], force: false, Key);
        var one = AdvisoryReview.Of(Mixed, ["2"], ["defrag-error-panic"], force: false, Key);

        Assert.Null(all.Refusal);
        Assert.All(all.Findings, f => Assert.Equal(AdvisoryDisposition.Accepted, f.Disposition));
        Assert.NotNull(one.Refusal);
        Assert.Contains("defrag-apply-snapshot-race", one.Refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("defrag-error-panic,", one.Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void AMemberTheRunDoesNotDefragmentIsNotItsConcern()
    {
        var verdict = AdvisoryReview.Of(Mixed, ["1", "3"], [], force: false, Key);

        Assert.Null(verdict.Refusal);
        Assert.Empty(verdict.Findings);
    }

    [Fact]
    public void AnUnknownAdvisoryIdIsAStartUpErrorNamingItsKey()
    {
        var options = new RemediatorOptions
        {
            Clusters = [new ClusterOptions { Name = "prod", Endpoints = ["http://127.0.0.1:2379"], AcceptedAdvisories = ["defrag-error-panic", "defrag-eror-panic"] }],
        };

        var error = Assert.Single(RemediatorOptionsValidator.Collect(options, inKubernetes: false));

        Assert.StartsWith("Remediator:Clusters:0:AcceptedAdvisories:1: 'defrag-eror-panic' is not a known advisory; known: defrag-corruption,", error, StringComparison.Ordinal);
    }
}

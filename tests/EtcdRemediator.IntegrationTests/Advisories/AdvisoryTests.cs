using EtcdRemediator.Advisories;
using EtcdRemediator.Api;

namespace EtcdRemediator.IntegrationTests.Advisories;

/// <summary>
/// Known defrag defects of the etcd release under test, on real members: whatever the release, the
/// service says exactly what the table says about it. On Debian's 3.4.23 two advisories cover it; on
/// 3.5.30 none does, and the same steps then show a run that goes ahead without a word.
/// </summary>
// Reads the service's metrics off a service process of its own: OpenTelemetry listens to meters by name process-wide,
// so a service in the test host exports every other one's series too (a member_advisory sum of 12 for 6, seen in CI
// on 3.4). Its cluster also has a name of its own, and every series read is picked by it.
[Trait(EtcdVersions.Trait, EtcdVersions.DiffersByVersion)]
public sealed class AdvisoryTests
{
    private const string Cluster = "advisories";
    private static IReadOnlyList<string> Expected => [.. AdvisoryTable.Affecting(EtcdUnderTest.Release).Select(a => a.Id)];

    /// <summary>The cluster with no advisory accepted: the service decides as a production one would.</summary>
    private static Dictionary<string, string?> Unaccepted(EtcdTestCluster cluster)
    {
        var settings = RemediatorApp.ForCluster(cluster, Cluster);
        foreach (var key in settings.Keys.Where(k => k.Contains(":AcceptedAdvisories", StringComparison.Ordinal)).ToList()) settings.Remove(key);
        settings["Remediator:Clusters:0:AcceptedAdvisories"] = null; // this test says what is accepted: nothing
        settings["Remediator:Watch:Interval"] = "1s";
        return settings;
    }

    [Fact]
    public async Task StatusMetricsAndRunsSayWhatTheTableSaysOfTheReleaseUnderTest()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        var settings = Unaccepted(cluster);
        settings["Remediator:Policy:PauseBetweenMembers"] = "0s";
        await using var service = await ServiceProcess.StartAsync(cluster.ScratchDirectory("service"), settings);
        var client = service.Client;

        var status = (await client.GetFromJsonAsync<ClusterStatusView>($"/api/v1/clusters/{Cluster}/status"))!;
        Assert.All(status.Members, m =>
        {
            Assert.Equal(EtcdUnderTest.Release, m.Version);
            Assert.Equal(Expected, m.Advisories!.Select(a => a.Id));
            Assert.All(m.Advisories!, a => Assert.False(a.Accepted));
        });
        var metrics = await Poll.UntilAsync(() => client.GetStringAsync("/metrics"),
            text => PrometheusText.Value(text, "etcd_remediator_watch_last_read_timestamp_seconds", $"cluster=\"{Cluster}\"") > 0, TimeSpan.FromSeconds(20), "the watch's first reading");
        foreach (var id in Expected)
            Assert.Equal(3, PrometheusText.Value(metrics, "etcd_remediator_member_advisory", $"cluster=\"{Cluster}\"", $"advisory=\"{id}\"", "accepted=\"false\""));
        Assert.Equal(3 * Expected.Count, PrometheusText.Value(metrics, "etcd_remediator_member_advisory", $"cluster=\"{Cluster}\""));

        // Every voting member planned (ignoreThresholds), so every member's release counts.
        var dryRun = await client.RunToEndAsync(Cluster, "defrag", dryRun: true, ignoreThresholds: true);
        var unforced = await client.RunToEndAsync(Cluster, "defrag", ignoreThresholds: true);
        var forced = await client.RunToEndAsync(Cluster, "defrag", force: true, ignoreThresholds: true);

        Assert.Equal(RunStatus.DryRun, dryRun.Status);
        Assert.Equal(RunStatus.Succeeded, forced.Status);
        Assert.Equal(Expected.Count * 3, forced.Advisories.Count);
        Assert.All(forced.Advisories, f => Assert.Equal(AdvisoryDisposition.Forced, f.Disposition));
        if (Expected.Count == 0)
        {
            Assert.Null(dryRun.Reason);
            Assert.Equal(RunStatus.Succeeded, unforced.Status);
            Assert.Empty(unforced.Advisories);
            Assert.DoesNotContain(unforced.Steps, s => s.Name == "advisories");
            return;
        }
        var fixedIn = AdvisoryTable.Find(Expected[0])!.FixedFor(EtcdVersion.Parse(EtcdUnderTest.Release));
        Assert.StartsWith("an unforced run would be refused: ", dryRun.Reason, StringComparison.Ordinal);
        Assert.Equal(RunStatus.Refused, unforced.Status);
        Assert.Contains($"advisory {Expected[0]}, fixed in {fixedIn}", unforced.Reason, StringComparison.Ordinal);
        Assert.Contains("Remediator:Clusters:0:AcceptedAdvisories = ", unforced.Reason, StringComparison.Ordinal);
        Assert.Null(unforced.Snapshot);
        Assert.DoesNotContain(unforced.Steps, s => s.Name is "snapshot" or "defragment");
        Assert.Equal(StepOutcome.Failed, unforced.Steps.Single(s => s.Name == "advisories").Outcome);
        Assert.Equal(3, forced.Steps.Count(s => s.Name == "defragment" && s.Outcome == StepOutcome.Succeeded));
        Assert.Contains("not accepted; the run is forced", forced.Steps.Single(s => s.Name == "advisories").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAcceptedAdvisoryIsShownAsAcceptedAndLetsAnUnforcedRunPlan()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        var settings = Unaccepted(cluster);
        settings.Remove("Remediator:Clusters:0:AcceptedAdvisories");
        for (var i = 0; i < Expected.Count; i++) settings[$"Remediator:Clusters:0:AcceptedAdvisories:{i}"] = Expected[i].ToUpperInvariant();
        await using var app = new RemediatorApp(settings);
        var client = app.CreateClient();

        var status = (await client.GetFromJsonAsync<ClusterStatusView>($"/api/v1/clusters/{Cluster}/status"))!;
        var dryRun = await client.RunToEndAsync(Cluster, "defrag", dryRun: true, ignoreThresholds: true);

        Assert.All(status.Members, m => Assert.All(m.Advisories!, a => Assert.True(a.Accepted)));
        Assert.Equal(RunStatus.DryRun, dryRun.Status);
        Assert.Null(dryRun.Reason);
        Assert.Equal(Expected.Count * 3, dryRun.Advisories.Count);
        Assert.All(dryRun.Advisories, f => Assert.Equal(AdvisoryDisposition.Accepted, f.Disposition));
        Assert.DoesNotContain(dryRun.Steps, s => s.Name == "advisories");
        if (Expected.Count > 0) Assert.Contains("accepted by the configuration", dryRun.Steps.Single(s => s.Name == "plan").Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownAdvisoryStopsTheServiceWithExitCode2NamingTheKey()
    {
        var lines = await ConfigurationRefusal.LinesAsync("Remediator:Clusters:0:AcceptedAdvisories:0", "defrag-everything-is-fine");

        Assert.Contains(lines, l => l.StartsWith("  - Remediator:Clusters:0:AcceptedAdvisories:0: 'defrag-everything-is-fine' is not a known advisory", StringComparison.Ordinal));
    }
}

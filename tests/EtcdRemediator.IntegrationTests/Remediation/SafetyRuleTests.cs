using Grpc.Core;

namespace EtcdRemediator.IntegrationTests.Remediation;

/// <summary>
/// The safety rules a careless or hostile setup once broke, each on real etcd, each checked against
/// etcd's own defragment log lines and etcdctl rather than against our run record alone.
/// </summary>
[StartsFirst]
public sealed class SafetyRuleTests
{
    private const long Quota = 16L * 1024 * 1024;

    [Fact]
    public async Task AMemberAdvertisingAnotherMembersUrlIsRefusedAndNoMemberIsDefragmented()
    {
        // m2 advertises m0's client URL: "defragment m2" would land on m0.
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions
        {
            AdvertiseClientUrl = (i, members) => i == 2 ? members[0].ClientUrl : null,
        });
        await cluster.FragmentAsync(megabytes: 8);
        await using var app = new RemediatorApp(RemediatorApp.ForCluster(cluster));

        var run = await app.CreateClient().RunToEndAsync("lab", "defrag", force: true);

        Assert.Equal(RunStatus.Refused, run.Status);
        Assert.Contains("m0", run.Reason);
        Assert.Contains("m2", run.Reason);
        Assert.Contains(cluster.Members[0].ClientUrl, run.Reason);
        Assert.Empty(DefragEvidence.Windows(cluster));
    }

    [Fact]
    public async Task WhenLeadershipMovesMidRunTheNewLeaderIsStillDefragmentedLast()
    {
        await using var lab = await LabScenario.StartAsync(fragmentMegabytes: 8, configure: settings =>
        {
            settings["Remediator:Policy:MoveLeader"] = "false";
            settings["Remediator:Policy:PauseBetweenMembers"] = "00:00:03";
        });
        var (cluster, client) = (lab.Cluster, lab.Client);

        var id = (await client.TriggerAsync("lab", "defrag", force: true)).Id;
        // During the pause after the first member, leadership goes to the member planned second.
        var paused = await Poll.UntilAsync(() => client.GetRunAsync(id), r => r.Steps.Any(s => s.Name == "pause") || !r.IsActive,
            TimeSpan.FromSeconds(60), "the pause after the first member");
        Assert.True(paused.IsActive, $"{paused.Status}: {paused.Reason}");
        var second = paused.Plan[1].Name;
        await cluster.MoveLeaderAsync(cluster.Members.ToList().FindIndex(m => m.Name == second));
        var run = await client.WaitForRunAsync(id);

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        var windows = DefragEvidence.Windows(cluster);
        Assert.Equal(3, windows.Count);
        DefragEvidence.AssertSequential(windows);
        Assert.Equal(second, windows[^1].Member);
        Assert.Contains(run.Steps, s => s.Name == "re-plan" && s.Detail!.StartsWith($"{second} leads now", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoSpaceIsNotDisarmedAgainstAConfiguredQuotaLargerThanEtcdsOwn()
    {
        // etcd's real quota is 16 MiB; the service is left at its 2 GiB default.
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { QuotaBackendBytes = Quota });
        await cluster.FillUntilNoSpaceAsync("fill/");
        await using var app = new RemediatorApp(RemediatorApp.ForCluster(cluster));

        var run = await app.CreateClient().RunToEndAsync("lab", "recover");

        Assert.Equal(RunStatus.Failed, run.Status);
        Assert.Contains($"({Quota.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} bytes) quota (reported by etcd)", run.Reason);
        Assert.Contains("Raise --quota-backend-bytes", run.Reason);
        // One member is defragmented to measure the data for real (the readings after compaction can be stale); no disarm.
        Assert.Single(run.Steps, s => s.Name == "defragment");
        Assert.DoesNotContain(run.Steps, s => s.Name == "disarm");
        Assert.Single(DefragEvidence.Windows(cluster));
        var (_, alarms) = await Tools.RunAsync("etcdctl", "--endpoints", cluster.Endpoints[0], "alarm", "list");
        Assert.Contains("NOSPACE", alarms);
        await Assert.ThrowsAsync<RpcException>(() => cluster.PutAsync("probe", "still refused"));
    }

    [Fact]
    public async Task ALearnerThatHasNotStartedDoesNotKeepNoSpaceArmed()
    {
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { QuotaBackendBytes = Quota });
        await cluster.AddUnstartedLearnerAsync("learner");
        await cluster.WriteAsync("keep/", 20);
        await cluster.FillUntilNoSpaceAsync("fill/");
        await cluster.DeletePrefixAsync("fill/");
        await using var app = new RemediatorApp(RemediatorApp.ForCluster(cluster));

        var run = await app.CreateClient().RunToEndAsync("lab", "recover");

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.Equal(StepOutcome.Succeeded, Assert.Single(run.Steps, s => s.Name == "disarm").Outcome);
        Assert.Equal(3, DefragEvidence.Windows(cluster).Count);
        var (_, alarms) = await Tools.RunAsync("etcdctl", "--endpoints", cluster.Endpoints[0], "alarm", "list");
        Assert.DoesNotContain("NOSPACE", alarms);
        await cluster.PutAsync("probe", "accepted again");
    }

    [Fact]
    public async Task DryRunsAgainstAnUnreachableClusterNeverDelayARealRun()
    {
        using var dead = new BlackHole();
        await using var lab = await LabScenario.StartAsync(fragmentMegabytes: 8, configure: settings =>
        {
            settings["Remediator:Clusters:1:Name"] = "dead";
            settings["Remediator:Clusters:1:Endpoints:0"] = dead.Url;
            settings["Remediator:Policy:MaxConcurrentClusters"] = "1";
            settings["Remediator:Policy:RequestTimeout"] = "00:00:02";
        });
        var (cluster, client) = (lab.Cluster, lab.Client);

        var dryRuns = new List<string>();
        // Not waiting for their plans (?wait=0s): all of them queued before the real run is asked for.
        for (var i = 0; i < 2; i++)
        {
            var posted = await client.PostAsJsonAsync("/api/v1/clusters/dead/remediations?wait=0s", new { action = "defrag", dryRun = true });
            dryRuns.Add((await posted.Content.ReadFromJsonAsync<EtcdRemediator.Remediation.Api.RemediationEndpoints.TriggerAnswer>())!.Id);
        }
        var real = await client.RunToEndAsync("lab", "defrag", force: true);
        var dry = await Task.WhenAll(dryRuns.Select(id => client.WaitForRunAsync(id)));

        Assert.True(real.Status == RunStatus.Succeeded, $"{real.Status}: {real.Reason}");
        Assert.All(dry, d => Assert.Equal(RunStatus.Refused, d.Status));
        // The real run began while the first dry run was still waiting on the dead cluster.
        Assert.True(real.StartedAt < dry.Min(d => d.FinishedAt), $"real run started {real.StartedAt:O}; first dry run ended {dry.Min(d => d.FinishedAt):O}");
    }

    [Fact]
    public async Task SnapshotsAreNeverTakenFromACorruptMemberAndNeverPushTheLastGoodOnesOut()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.WriteAsync("keep/", 20);
        var settings = RemediatorApp.ForCluster(cluster);
        settings["Remediator:Snapshots:Retain"] = "2";
        await using var app = new RemediatorApp(settings);
        var client = app.CreateClient();
        var good = new List<RunRecord>();
        for (var i = 0; i < 2; i++) good.Add(await client.RunToEndAsync("lab", "snapshot"));

        var corruptId = MemberId((await cluster.StatusAsync(0)).Header.MemberId);
        await cluster.ActivateAlarmAsync(0, EtcdRemediator.Etcd.Wire.AlarmType.Corrupt);
        var during = new List<RunRecord>();
        for (var i = 0; i < 4; i++) during.Add(await client.RunToEndAsync("lab", "snapshot"));

        Assert.All(good.Concat(during), r => Assert.True(r.Status == RunStatus.Succeeded, $"{r.Status}: {r.Reason}"));
        Assert.All(during, r => Assert.NotEqual(corruptId, r.Snapshot!.Member));
        var files = Directory.GetFiles(Path.GetDirectoryName(good[0].Snapshot!.Path)!, "*.db").Order().ToList();
        // The two newest, taken under CORRUPT, and the two good ones from before it.
        Assert.Equal([.. good.Select(r => r.Snapshot!.Path), .. during.TakeLast(2).Select(r => r.Snapshot!.Path)], files);
        foreach (var run in good.Concat(during.TakeLast(2))) await SnapshotAssertions.AssertVerifiedAsync(run, app.DataDirectory);
    }

    private static string MemberId(ulong id) => EtcdRemediator.Etcd.MemberId.ToHex(id);
}

using EtcdRemediator.IntegrationTests.Talos;
using Xunit.Abstractions;

namespace EtcdRemediator.IntegrationTests.Remediation;

/// <summary>The routine end to end on a really fragmented 3-member cluster; etcd's own logs are the witness.</summary>
[Trait(EtcdVersions.Trait, EtcdVersions.DiffersByVersion)]
[StartsFirst]
public sealed class DefragRunTests(ITestOutputHelper output)
{
    [Theory]
    [EachBackend(true)]
    [InlineData(Backend.Etcd, false)]
    public async Task AFragmentedClusterIsDefragmentedOneMemberAtATimeLeaderLast(Backend backend, bool moveLeader)
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await using var harness = await BackendHarness.StartAsync(backend, cluster);
        await cluster.FragmentAsync(megabytes: 24);
        var leaderAtStart = cluster.Members[await cluster.LeaderIndexAsync()].Name;
        var settings = harness.Settings();
        settings["Remediator:Policy:MoveLeader"] = moveLeader.ToString();
        await using var app = new RemediatorApp(settings);
        var client = app.CreateClient();

        var run = await client.RunToEndAsync("lab", "defrag");

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.Equal(3, run.Plan.Count);
        Assert.Equal(leaderAtStart, run.Plan[^1].Name);
        Assert.True(run.Plan[^1].IsLeader);

        // etcd's logs: exactly one defragment per member, never overlapping, in plan order, old leader last.
        var windows = DefragEvidence.Windows(cluster);
        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(run, System.Text.Json.JsonSerializerOptions.Web));
        foreach (var w in windows) output.WriteLine($"etcd log: {w.Member} defragment {w.Started:HH:mm:ss.fff} .. {w.Finished:HH:mm:ss.fff}");
        Assert.Equal(run.Plan.Select(p => p.Name), windows.Select(w => w.Member));
        DefragEvidence.AssertSequential(windows);
        Assert.Equal(leaderAtStart, windows[^1].Member);

        var moves = run.Steps.Where(s => s.Name == "move-leader").ToList();
        if (moveLeader)
        {
            var move = Assert.Single(moves);
            Assert.Equal(leaderAtStart, move.Member);
            var leaderDefrag = run.Steps.Single(s => s.Name == "defragment" && s.Member == leaderAtStart);
            Assert.True(move.FinishedAt <= leaderDefrag.StartedAt);
            Assert.NotEqual(leaderAtStart, cluster.Members[await cluster.LeaderIndexAsync()].Name);
        }
        else
        {
            Assert.Empty(moves);
        }

        // Every member's file shrank to about what is in use.
        for (var i = 0; i < 3; i++)
        {
            var status = await cluster.StatusAsync(i);
            Assert.True(status.DbSize < 4 * 1024 * 1024, $"{cluster.Members[i].Name} dbSize {status.DbSize} after defrag");
            Assert.True(status.DbSizeInUse >= status.DbSize * 0.5, $"{cluster.Members[i].Name} {status.DbSizeInUse}/{status.DbSize}");
        }
        var defrags = run.Steps.Where(s => s.Name == "defragment").ToList();
        Assert.All(defrags, d => Assert.True(d.BytesBefore > 24 * 1024 * 1024 && d.BytesAfter < 4 * 1024 * 1024, $"{d.Member}: {d.BytesBefore} -> {d.BytesAfter}"));
        Assert.Equal(defrags.Sum(d => d.BytesBefore!.Value - d.BytesAfter!.Value), run.ReclaimedBytes);

        await SnapshotAssertions.AssertVerifiedAsync(run, app.DataDirectory, revisionKnown: backend == Backend.Etcd);
        Assert.Equal("v", await PutThenGet(cluster));
        if (harness.Apid is { } apid)
        {
            // Through apid, every defragment named exactly one node: each member's own.
            var defragNodes = apid.Nodes.Calls.Where(c => c.Method.EndsWith("/EtcdDefragment", StringComparison.Ordinal)).Select(c => c.Node).ToList();
            Assert.Equal(apid.Nodes.Names.Order(), defragNodes.Order());
            Assert.Contains(apid.Nodes.Calls, c => c.Method.EndsWith("/EtcdForfeitLeadership", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task AnAlreadyCompactClusterIsNothingToDoAndNoSnapshotIsTaken()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.WriteAsync("data/", 50);
        await using var app = new RemediatorApp(RemediatorApp.ForCluster(cluster));

        var run = await app.CreateClient().RunToEndAsync("lab", "defrag");

        Assert.Equal(RunStatus.NothingToDo, run.Status);
        Assert.Null(run.Snapshot);
        Assert.False(Directory.Exists(Path.Combine(app.DataDirectory, "snapshots", "lab")) &&
                     Directory.EnumerateFiles(Path.Combine(app.DataDirectory, "snapshots", "lab")).Any());
        Assert.Empty(DefragEvidence.Windows(cluster));
    }

    [Fact]
    public async Task ADryRunReportsThePlanAndTouchesNothing()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.FragmentAsync(megabytes: 12);
        await using var app = new RemediatorApp(RemediatorApp.ForCluster(cluster));

        var run = await app.CreateClient().RunToEndAsync("lab", "defrag", dryRun: true);

        Assert.Equal(RunStatus.DryRun, run.Status);
        Assert.Equal(3, run.Plan.Count);
        Assert.True(run.Plan[^1].IsLeader);
        Assert.Equal(["inspect", "plan"], run.Steps.Select(s => s.Name));
        Assert.Null(run.Snapshot);
        Assert.Empty(DefragEvidence.Windows(cluster));
        Assert.True((await cluster.StatusAsync(0)).DbSize > 12 * 1024 * 1024);
    }

    [Theory]
    [EachBackend]
    public async Task ASnapshotRunWritesAVerifiedSnapshotAndItsSidecar(Backend backend)
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await using var harness = await BackendHarness.StartAsync(backend, cluster);
        await cluster.WriteAsync("data/", 200);
        await using var app = new RemediatorApp(harness.Settings());

        var run = await app.CreateClient().RunToEndAsync("lab", "snapshot");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        await SnapshotAssertions.AssertVerifiedAsync(run, app.DataDirectory, revisionKnown: backend == Backend.Etcd);
        Assert.Empty(DefragEvidence.Windows(cluster));
    }

    private static async Task<string?> PutThenGet(EtcdTestCluster cluster)
    {
        await cluster.PutAsync("after-defrag", "v");
        return await cluster.GetAsync("after-defrag");
    }
}

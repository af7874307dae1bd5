namespace EtcdRemediator.IntegrationTests.Remediation;

[StartsFirst]
public sealed class RestartTests
{
    [Fact]
    public async Task AfterAKillTheRunningRunIsInterruptedAndTheQueuedRunCompletes()
    {
        await using var lab = await ProcessScenario.StartAsync(fragmentMegabytes: 8);
        // Two names for the one etcd cluster; one worker slot, so the second cluster's run must queue
        // while the first pauses (for a minute) after its first member.
        lab.Settings["Remediator:Clusters:1:Name"] = "lab2";
        lab.Settings["Remediator:Policy:MaxConcurrentClusters"] = "1";
        lab.Settings["Remediator:Policy:PauseBetweenMembers"] = "00:01:00";
        for (var i = 0; i < lab.Cluster.Endpoints.Count; i++) lab.Settings[$"Remediator:Clusters:1:Endpoints:{i}"] = lab.Cluster.Endpoints[i];

        string running, queued;
        await using (var service = await lab.StartServiceAsync())
        {
            running = (await service.Client.TriggerAsync("lab", "defrag")).Id;
            await Poll.UntilAsync(async () => (await service.Client.GetRunAsync(running)).Steps.Any(s => s.Name == "pause"),
                TimeSpan.FromSeconds(60), "the first run to pause after its first member");
            queued = (await service.Client.TriggerAsync("lab2", "snapshot")).Id;
            Assert.Equal(RunStatus.Queued, (await service.Client.GetRunAsync(queued)).Status);

            await service.KillAsync();
        }

        lab.Settings["Remediator:Policy:PauseBetweenMembers"] = "00:00:00";
        await using (var restarted = await lab.StartServiceAsync())
        {
            var interrupted = await restarted.Client.GetRunAsync(running);
            Assert.Equal(RunStatus.Interrupted, interrupted.Status);
            Assert.Contains("stopped while this run was running", interrupted.Reason);
            Assert.Equal(1, interrupted.Steps.Count(s => s.Name == "defragment"));

            var completed = await restarted.Client.WaitForRunAsync(queued);
            Assert.Equal(RunStatus.Succeeded, completed.Status);
            Assert.NotNull(completed.Snapshot);
        }

        // etcd saw exactly the one defragmentation the killed run had done.
        Assert.Single(DefragEvidence.Windows(lab.Cluster));
    }

    [Fact]
    public async Task AServiceKilledDuringADefragmentLeavesTheRunInterruptedAndTheClusterHealthy()
    {
        await using var lab = await ProcessScenario.StartAsync();
        var cluster = lab.Cluster;
        // ~60 MB in use: each member's defragment takes about a second, long enough to be killed in.
        await cluster.WriteAsync("live/", 6_000);
        await cluster.FragmentAsync(megabytes: 60);
        lab.Settings["Remediator:Policy:PauseBetweenMembers"] = "00:00:00";
        string id;
        await using (var service = await lab.StartServiceAsync())
        {
            id = (await service.Client.TriggerAsync("lab", "defrag")).Id;
            // Killed while etcd's own log shows a defragment started and not finished (3.5 takes
            // a fraction of a second per member here, so "started" alone is not "during").
            await Poll.UntilAsync(() => Task.FromResult(DefragEvidence.Read(cluster).Running),
                TimeSpan.FromSeconds(90), "etcd to be in the middle of a defragment");
            await service.KillAsync();
        }

        int asked;
        await using (var restarted = await lab.StartServiceAsync())
        {
            var run = await restarted.Client.GetRunAsync(id);
            Assert.Equal(RunStatus.Interrupted, run.Status);
            Assert.Contains(run.Steps, s => s.Name == "defragment" && s.Outcome == StepOutcome.Interrupted && s.FinishedAt == run.FinishedAt);
            asked = run.Steps.Count(s => s.Name == "defragment");
        }
        // etcd finishes the defragment it was asked for on its own; nobody starts another.
        var (windows, _) = await Poll.UntilAsync(() => Task.FromResult(DefragEvidence.Read(cluster)), look => !look.Running,
            TimeSpan.FromSeconds(30), "etcd to finish that defragment");
        Assert.Equal(asked, windows.Count);
        await cluster.WaitForLeaderAsync();
        await cluster.PutAsync("after-kill", "ok");
        Assert.Equal("ok", await cluster.GetAsync("after-kill"));
    }
}

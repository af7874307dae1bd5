namespace EtcdRemediator.IntegrationTests.Snapshots;

/// <summary>
/// Mid-restore, an engineer checks the snapshot with coreutils' <c>sha256sum</c> against the <c>sha256</c> in its sidecar
/// (docs/runbook.md section 6): they must agree, or a good snapshot looks corrupt. etcd's own check sits beside it.
/// </summary>
public sealed class SidecarTests
{
    [Fact]
    public async Task Sha256sumOfARealSnapshotPrintsTheSha256InItsSidecarAndInTheRun()
    {
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { Members = 1 });
        await cluster.WriteAsync("data/", 200);
        await using var app = new RemediatorApp(RemediatorApp.ForCluster(cluster));

        var run = await app.CreateClient().RunToEndAsync("lab", "snapshot");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        var snapshot = run.Snapshot!;
        var (exit, output) = await Tools.RunAsync("sha256sum", snapshot.Path);
        Assert.True(exit == 0, output);
        var printed = output.Split(' ', 2)[0];
        using var sidecar = JsonDocument.Parse(await File.ReadAllTextAsync(snapshot.Path + ".json"));
        Assert.Equal(printed, sidecar.RootElement.GetProperty("sha256").GetString());
        Assert.True(sidecar.RootElement.GetProperty("etcdHashVerified").GetBoolean());
        Assert.Equal(printed, snapshot.Sha256);
    }
}

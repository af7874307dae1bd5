namespace EtcdRemediator.IntegrationTests.Reliability;

/// <summary>A real etcd with auth enabled (etcdctl user add root, auth enable): the pipeline signs in.</summary>
public sealed class EtcdAuthTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static async Task EnableAuthAsync(EtcdTestCluster cluster)
    {
        var endpoint = cluster.Endpoints[0];
        foreach (var command in new[] { new[] { "user", "add", "root:root-password" }, ["user", "grant-role", "root", "root"], ["auth", "enable"] })
        {
            var (exit, text) = await Tools.RunAsync("etcdctl", ["--endpoints", endpoint, .. command]);
            Assert.True(exit == 0, text);
        }
    }

    [Fact]
    public async Task WithAuthEnabledTheRunSignsInWithThePasswordFileAndAWrongPasswordIsRefusedClearly()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.FragmentAsync(megabytes: 12);
        await EnableAuthAsync(cluster);
        var dir = cluster.ScratchDirectory("auth");
        await File.WriteAllTextAsync(Path.Combine(dir, "password"), "root-password\n");

        var settings = RemediatorApp.ForCluster(cluster);
        settings["Remediator:Clusters:0:Username"] = "root";
        settings["Remediator:Clusters:0:Password"] = "not-the-password";
        await using (var wrong = new RemediatorApp(settings))
        {
            var refused = await wrong.CreateClient().RunToEndAsync("lab", "defrag", force: true);
            output.WriteLine($"wrong password: {refused.Status}: {refused.Reason}");
            Assert.Equal(RunStatus.Refused, refused.Status);
            Assert.Contains("authentication failed", refused.Reason);
            Assert.Empty(DefragEvidence.Windows(cluster));
        }

        settings.Remove("Remediator:Clusters:0:Password");
        settings["Remediator:Clusters:0:PasswordFile"] = Path.Combine(dir, "password");
        await using var app = new RemediatorApp(settings);
        var run = await app.CreateClient().RunToEndAsync("lab", "defrag");

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.Equal(3, DefragEvidence.Windows(cluster).Count);
        await SnapshotAssertions.AssertVerifiedAsync(run, app.DataDirectory);
    }
}

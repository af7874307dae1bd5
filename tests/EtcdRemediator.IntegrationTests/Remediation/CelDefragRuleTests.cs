using Xunit.Abstractions;

namespace EtcdRemediator.IntegrationTests.Remediation;

/// <summary>A cluster's CEL defrag rule on real members: it decides who is defragmented, and etcd's own logs say who was.</summary>
public sealed class CelDefragRuleTests(ITestOutputHelper output)
{
    private const string Rule = "dbSize > 16 * 1024 * 1024";

    [Fact]
    public async Task ARuleOnTheFileSizeDefragmentsExactlyTheMembersWhoseFileIsLarge()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.FragmentAsync(megabytes: 24);
        // m0 alone is made compact behind the service's back: every member then holds 24 MB of free pages but m0.
        var (exit, said) = await Tools.RunAsync("etcdctl", "--endpoints", cluster.Endpoints[0], "defrag");
        Assert.True(exit == 0, said);
        var before = await Poll.UntilAsync(() => Task.FromResult(DefragEvidence.Windows(cluster)), w => w.Count == 1, TimeSpan.FromSeconds(10),
            "etcd's log of the etcdctl defrag");
        Assert.Equal("m0", before[0].Member);
        var settings = RemediatorApp.ForCluster(cluster);
        settings["Remediator:Clusters:0:DefragRule"] = Rule;
        await using var app = new RemediatorApp(settings);
        var client = app.CreateClient();

        var dryRun = await client.RunToEndAsync("lab", "defrag", dryRun: true);
        var run = await client.RunToEndAsync("lab", "defrag");

        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(run, System.Text.Json.JsonSerializerOptions.Web));
        Assert.Equal(RunStatus.DryRun, dryRun.Status);
        Assert.Equal(["m1", "m2"], dryRun.Plan.Select(m => m.Name).Order());
        Assert.All(dryRun.Plan, m =>
        {
            Assert.Equal((RuleChoice.DefragRule, Rule, "Remediator:Clusters:0:DefragRule"), (m.ChosenBy!.By, m.ChosenBy.Rule, m.ChosenBy.Source));
            Assert.True(m.ChosenBy.Values.DbSize > 16 * 1024 * 1024 && m.ChosenBy.Values.DbSize == m.DbSize, $"{m.Name}: {m.ChosenBy.Values}");
            Assert.Equal(m.DbSize - m.DbSizeInUse, m.ChosenBy.Values.DbSizeFree);
        });
        Assert.Contains($"rule Remediator:Clusters:0:DefragRule = '{Rule}'", dryRun.Steps.Single(s => s.Name == "plan").Detail, StringComparison.Ordinal);
        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.Equal(["m1", "m2"], run.Plan.Select(m => m.Name).Order());

        // etcd's logs: one more defragment on m1 and on m2 each, none more on m0.
        var windows = DefragEvidence.Windows(cluster);
        foreach (var w in windows) output.WriteLine($"etcd log: {w.Member} defragment {w.Started:HH:mm:ss.fff} .. {w.Finished:HH:mm:ss.fff}");
        Assert.Equal(["m1", "m2"], windows.Skip(1).Select(w => w.Member).Order());
        Assert.Equal(before[0], windows.Single(w => w.Member == "m0"));
        DefragEvidence.AssertSequential(windows);
    }

    [Fact]
    public async Task ARuleThatDoesNotTypeCheckStopsTheServiceWithExitCode2NamingTheKeyAndColumn()
    {
        var lines = await ConfigurationRefusal.LinesAsync("Remediator:Clusters:0:DefragRule", "dbSizeFree > 100 && dbQuotaUsage * 100 > 80.0");

        Assert.Contains(lines, l => l.StartsWith("  - Remediator:Clusters:0:DefragRule: 'dbSizeFree > 100 && dbQuotaUsage * 100 > 80.0' at column 34: " +
            "no operator '*' for double and int", StringComparison.Ordinal));
    }
}

using EtcdRemediator.IntegrationTests.Infrastructure;

namespace EtcdRemediator.IntegrationTests.Observability;

public sealed class PrometheusTests
{
    [Fact]
    public async Task ARealPrometheusScrapesTheServiceSuccessfully()
    {
        var data = Directory.CreateTempSubdirectory(Etcd.EtcdTestCluster.TempPrefix + "svc-").FullName;
        await using var service = await ServiceProcess.StartAsync(data, new Dictionary<string, string?>
        {
            ["Remediator:Clusters:0:Name"] = "lab",
            ["Remediator:Clusters:0:Endpoints:0"] = $"http://127.0.0.1:{FreePorts.Next()}",
            ["Remediator:Auth:OperatorTokens:0"] = "operator-token-0123456789",
        });
        var target = new Uri(service.Url).Authority;
        await using var prometheus = await PrometheusProcess.StartAsync($$"""
            global: { scrape_interval: 1s, evaluation_interval: 1s }
            scrape_configs:
              - job_name: etcd-remediator
                static_configs: [ { targets: ["{{target}}"] } ]
            """);

        var health = await Poll.UntilAsync(() => prometheus.TargetHealthAsync(), h => h.GetValueOrDefault("etcd-remediator") == "up",
            TimeSpan.FromSeconds(30), "the scrape of the service to be up");

        Assert.Equal("up", health["etcd-remediator"]);
        var query = await prometheus.Client.GetStringAsync("/api/v1/query?query=etcd_remediator_circuit_open");
        Assert.Contains("\"cluster\":\"lab\"", query);
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task TheShippedRulesPassPromtoolCheckAndTheirUnitTests()
    {
        foreach (var rules in Directory.GetFiles(RepoFiles.Path("docker", "prometheus"), "*-rules.yml"))
        {
            var (checkExit, checkOutput) = await Tools.RunAsync("promtool", "check", "rules", rules);
            Assert.True(checkExit == 0, checkOutput);
        }
        var tests = Directory.GetFiles(RepoFiles.Path("docker", "prometheus"), "*.test.yml");
        Assert.NotEmpty(tests);
        foreach (var test in tests)
        {
            var (exit, output) = await Tools.RunAsync("promtool", "test", "rules", test);
            Assert.True(exit == 0, $"{Path.GetFileName(test)}: {output}");
        }
    }
}

using System.Net.Http.Headers;

namespace EtcdRemediator.IntegrationTests.Observability;

public sealed class PrometheusTests
{
    /// <summary>
    /// /metrics names clusters, members and database sizes: with tokens configured an anonymous caller gets 401 (#38),
    /// and Prometheus, configured by the shipped docker/prometheus/prometheus.yml, scrapes it with the metrics token,
    /// which opens nothing else.
    /// </summary>
    [Fact]
    public async Task PrometheusConfiguredFromTheShippedFileScrapesWithTheMetricsTokenWhileAnAnonymousScrapeIs401()
    {
        var data = Directory.CreateTempSubdirectory(Etcd.EtcdTestCluster.TempPrefix + "svc-").FullName;
        var metricsToken = Path.Combine(data, "metrics.token");
        await File.WriteAllTextAsync(metricsToken, "metrics-token-0123456789abcdef\n");
        await using var service = await ServiceProcess.StartAsync(data, new Dictionary<string, string?>
        {
            ["Remediator:Clusters:0:Name"] = "lab",
            ["Remediator:Clusters:0:Endpoints:0"] = $"http://127.0.0.1:{FreePorts.Next()}",
            ["Remediator:Auth:OperatorTokens:0"] = "operator-token-0123456789",
            ["Remediator:Auth:MetricsTokensFile"] = metricsToken,
        });
        var nowhere = Enumerable.Range(0, 3).Select(_ => $"http://127.0.0.1:{FreePorts.Next()}").ToList(); // etcd is not what is scraped here
        await using var prometheus = await PrometheusProcess.StartAsync(
            EndToEnd.ChainConfigs.Prometheus(nowhere, $"http://127.0.0.1:{FreePorts.Next()}", service.Url, "lab", metricsToken),
            new Dictionary<string, string> { ["etcd-rules.yml"] = EndToEnd.ChainConfigs.EtcdRules(), ["remediator-rules.yml"] = EndToEnd.ChainConfigs.RemediatorRules() });

        var health = await Poll.UntilAsync(() => prometheus.TargetHealthAsync(), h => h.GetValueOrDefault("etcd-remediator") == "up",
            TimeSpan.FromSeconds(30), "the scrape of the service to be up");

        Assert.Equal("up", health["etcd-remediator"]);
        // The target reads "up" as its scrape is reported, which can be a moment before the scraped series answer a query
        // (seen once with the suite's three passes on 2 cores): the series is polled for, within the same bound.
        await Poll.UntilAsync(() => prometheus.Client.GetStringAsync("/api/v1/query?query=etcd_remediator_circuit_open"),
            query => query.Contains("\"cluster\":\"lab\"", StringComparison.Ordinal), TimeSpan.FromSeconds(30), "the scraped series of cluster lab");
        using var anonymous = await service.Client.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        using var withMetricsToken = new HttpRequestMessage(HttpMethod.Get, "/api/v1/clusters");
        withMetricsToken.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "metrics-token-0123456789abcdef");
        using var elsewhere = await service.Client.SendAsync(withMetricsToken);
        Assert.Equal(HttpStatusCode.Forbidden, elsewhere.StatusCode); // least privilege: /metrics and nothing else
        Assert.Contains("may only read /metrics", await elsewhere.Content.ReadAsStringAsync(), StringComparison.Ordinal);
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

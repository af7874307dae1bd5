namespace EtcdRemediator.IntegrationTests.Observability;

// OpenTelemetry listens to meters by name process-wide: a service in the test host exports every other one's series
// too, and with a few dozen of them alive its own can miss the SDK's stream limits (seen once, with the passes side by
// side). The remediation is read off a service process of its own, as Prometheus scrapes one.
public sealed class MetricsTests
{
    [Fact]
    public async Task ARealRemediationShowsInTheMetrics()
    {
        await using var lab = await ProcessScenario.StartAsync(fragmentMegabytes: 12, clusterName: "metrics");
        lab.Settings["Remediator:Policy:PauseBetweenMembers"] = "0s";
        await using var service = await lab.StartServiceAsync();
        var client = service.Client;
        var before = await client.GetStringAsync("/metrics");

        var run = await client.RunToEndAsync("metrics", "defrag");
        // The exporter serves a scrape from its cache for 300 ms: a run this short can end inside it.
        var after = await Poll.UntilAsync(() => client.GetStringAsync("/metrics"),
            text => PrometheusText.Value(text, "etcd_remediator_runs_total", "cluster=\"metrics\"", "outcome=\"succeeded\"", "action=\"defrag\"")
                > PrometheusText.Value(before, "etcd_remediator_runs_total", "cluster=\"metrics\"", "outcome=\"succeeded\"", "action=\"defrag\""),
            TimeSpan.FromSeconds(10), "the run to show in /metrics");

        Assert.Equal(RunStatus.Succeeded, run.Status);
        double Delta(string name, params string[] labels) => PrometheusText.Value(after, name, labels) - PrometheusText.Value(before, name, labels);
        Assert.Equal(1, Delta("etcd_remediator_runs_total", "cluster=\"metrics\"", "outcome=\"succeeded\"", "action=\"defrag\""));
        Assert.Equal(3, Delta("etcd_remediator_defrag_duration_seconds_count", "cluster=\"metrics\""));
        var drops = run.Steps.Where(s => s.Name == "defragment").Sum(s => s.BytesBefore!.Value - s.BytesAfter!.Value);
        Assert.True(drops > 30 * 1024 * 1024);
        Assert.Equal(drops, Delta("etcd_remediator_reclaimed_bytes_total", "cluster=\"metrics\""));
        Assert.Equal(run.Snapshot!.Bytes, PrometheusText.Value(after, "etcd_remediator_snapshot_bytes", "cluster=\"metrics\""));
        Assert.Equal(0, PrometheusText.Value(after, "etcd_remediator_circuit_open", "cluster=\"metrics\""));
        Assert.Contains("http_server_request_duration_seconds", after);
    }

    [Fact]
    public async Task ReadinessIsDegradedNotFailingWhenAClusterIsDownAndLivenessStaysUp()
    {
        await using var app = new RemediatorApp(new Dictionary<string, string?>
        {
            ["Remediator:Clusters:0:Name"] = "gone",
            ["Remediator:Clusters:0:Endpoints:0"] = $"http://127.0.0.1:{FreePorts.Next()}",
        });
        var client = app.CreateClient();

        var ready = await client.GetAsync("/readyz");
        var body = await ready.Content.ReadAsStringAsync();

        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("\"status\":\"Degraded\"", body);
        Assert.Contains("unreachable: gone", body);
        Assert.Contains("\"run-store\":{\"status\":\"Healthy\"", body);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }
}

using System.Net.Http.Headers;

namespace EtcdRemediator.IntegrationTests.EndToEnd;

/// <summary>
/// etcd x3 -> Prometheus (shipped rules) -> Alertmanager (shipped example) -> the service process,
/// all real, on loopback. Nothing calls the service's API to start anything: the alert does.
/// </summary>
[StartsFirst]
public sealed class WholeChainTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private sealed class Chain : IAsyncDisposable
    {
        public required EtcdTestCluster Cluster { get; init; }
        public required ManagedProcess Service { get; init; }
        public required ManagedProcess Alertmanager { get; init; }
        public required ManagedProcess Prometheus { get; init; }
        public required string Data { get; init; }

        public async ValueTask DisposeAsync()
        {
            await Prometheus.DisposeAsync();
            await Alertmanager.DisposeAsync();
            await Service.DisposeAsync();
            try { Directory.Delete(Data, recursive: true); }
            catch (IOException) { }
        }
    }

    private static async Task<Chain> StartChainAsync(EtcdTestCluster cluster, long? quota = null)
    {
        var data = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "e2e-").FullName;
        var token = Path.Combine(data, "webhook.token");
        await File.WriteAllTextAsync(token, "e2e-webhook-token-0123456789\n");
        var metricsToken = Path.Combine(data, "metrics.token");
        await File.WriteAllTextAsync(metricsToken, "e2e-metrics-token-0123456789\n");
        var settings = new Dictionary<string, string?>(RemediatorApp.ForCluster(cluster, quota: quota))
        {
            ["Remediator:Policy:PauseBetweenMembers"] = "00:00:00",
            ["Remediator:Auth:WebhookTokensFile"] = token,
            ["Remediator:Auth:MetricsTokensFile"] = metricsToken,
            ["Remediator:Auth:OperatorTokens:0"] = "e2e-operator-token-0123456789",
        };
        var service = await ServiceProcess.StartAsync(data, settings);
        service.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "e2e-operator-token-0123456789");
        var alertmanager = await AlertmanagerProcess.StartAsync(ChainConfigs.Alertmanager(service.Url, token));
        var prometheus = await PrometheusProcess.StartAsync(
            ChainConfigs.Prometheus(cluster.Endpoints, alertmanager.Url, service.Url, "lab", metricsToken),
            new Dictionary<string, string> { ["etcd-rules.yml"] = ChainConfigs.EtcdRules(), ["remediator-rules.yml"] = ChainConfigs.RemediatorRules() });
        return new Chain { Cluster = cluster, Service = service, Alertmanager = alertmanager, Prometheus = prometheus, Data = data };
    }

    private async Task<RunRecord> WaitForAlertRunAsync(Chain chain)
    {
        var runs = await Poll.UntilAsync(
            async () => JsonSerializer.Deserialize<List<RunRecord>>(await chain.Service.Client.GetStringAsync("/api/v1/remediations?cluster=lab"), System.Text.Json.JsonSerializerOptions.Web)!,
            r => r.Count > 0, TimeSpan.FromSeconds(90), "an alert to start a run");
        var run = await chain.Service.Client.WaitForRunAsync(runs[^1].Id);
        output.WriteLine($"{run.Id} {run.Action} {run.Status} trigger: {run.Trigger.Source}; {run.Reason}");
        foreach (var step in run.Steps) output.WriteLine($"  {step.Name} {step.Member} {step.Outcome} {step.Detail}");
        return run;
    }

    [Fact]
    public async Task AFragmentedClusterIsDefragmentedBecauseOfTheAlert()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.WriteAsync("keep/", 150);
        await using var chain = await StartChainAsync(cluster);

        await cluster.FragmentAsync(megabytes: 24, keep: "keep2/");
        var run = await WaitForAlertRunAsync(chain);

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.Equal(TriggerKind.Alert, run.Trigger.Kind);
        Assert.Contains("etcdDatabaseHighFragmentationRatio", run.Trigger.Source);
        Assert.Equal(RemediationAction.Defrag, run.Action);
        Assert.Equal(3, DefragEvidence.Windows(cluster).Count);
        for (var i = 0; i < 3; i++)
        {
            var status = await cluster.StatusAsync(i);
            Assert.True(status.DbSizeInUse >= status.DbSize * 0.8, $"{cluster.Members[i].Name}: {status.DbSizeInUse}/{status.DbSize} after the alert's run");
        }
    }

    [Fact]
    public async Task ANoSpaceClusterIsRecoveredBecauseOfTheAlert()
    {
        const long quota = 16L * 1024 * 1024;
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { QuotaBackendBytes = quota });
        await using var chain = await StartChainAsync(cluster, quota);

        await cluster.FillUntilNoSpaceAsync("fill/");
        await cluster.DeletePrefixAsync("fill/");
        // Applications keep trying to write; each refusal is what the NOSPACE rule sees.
        using var writer = new CancellationTokenSource();
        var writes = Task.Run(async () =>
        {
            while (!writer.IsCancellationRequested)
            {
                try { await cluster.PutAsync("app/heartbeat", DateTime.UtcNow.ToString("O")); }
                catch (Grpc.Core.RpcException) { }
                await Task.Delay(200);
            }
        });

        var run = await WaitForAlertRunAsync(chain);
        await writer.CancelAsync();
        await writes;

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.Equal(RemediationAction.Recover, run.Action);
        Assert.Equal(TriggerKind.Alert, run.Trigger.Kind);
        Assert.Contains(run.Steps, s => s.Name == "compact");
        Assert.Contains(run.Steps, s => s.Name == "disarm" && s.Outcome == StepOutcome.Succeeded);
        await cluster.PutAsync("after-recovery", "ok");
        Assert.Equal("ok", await cluster.GetAsync("after-recovery"));
    }
}

using System.Net.Http.Headers;

namespace EtcdRemediator.IntegrationTests.Alerts;

/// <summary>A real Alertmanager, configured from the shipped example, delivers to the real service process.</summary>
public sealed class AlertmanagerDeliveryTests
{
    [Fact]
    public async Task AnAlertPostedToAlertmanagerDefragmentsTheRealCluster()
    {
        await using var lab = await ProcessScenario.StartAsync(fragmentMegabytes: 12);
        var tokenFile = Path.Combine(lab.Data, "webhook.token");
        await File.WriteAllTextAsync(tokenFile, "webhook-secret-0123456789\n");
        lab.Settings["Remediator:Policy:PauseBetweenMembers"] = "00:00:00";
        lab.Settings["Remediator:Auth:WebhookTokensFile"] = tokenFile;
        lab.Settings["Remediator:Auth:OperatorTokens:0"] = "operator-secret-0123456789";
        await using var service = await lab.StartServiceAsync();
        service.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "operator-secret-0123456789");

        // The shipped example, pointed at this service and this token file, with a short group_wait.
        var config = (await File.ReadAllTextAsync(RepoFiles.Path("alertmanager.example.yml")))
            .Replace("http://127.0.0.1:8080/api/v1/alerts", $"{service.Url}/api/v1/alerts", StringComparison.Ordinal)
            .Replace("/etc/alertmanager/etcd-remediator.token", tokenFile, StringComparison.Ordinal)
            .Replace("group_wait: 30s", "group_wait: 1s", StringComparison.Ordinal);
        await using var alertmanager = await AlertmanagerProcess.StartAsync(config);

        await alertmanager.FireAsync(new() { ["alertname"] = "etcdDatabaseHighFragmentationRatio", ["cluster"] = "lab", ["severity"] = "warning" });

        var runs = await Poll.UntilAsync(
            async () => JsonSerializer.Deserialize<List<RunRecord>>(await service.Client.GetStringAsync("/api/v1/remediations?cluster=lab"), System.Text.Json.JsonSerializerOptions.Web)!,
            r => r.Count > 0, TimeSpan.FromSeconds(60), "Alertmanager's delivery to start a run");
        var run = await service.Client.WaitForRunAsync(Assert.Single(runs).Id);

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.Equal(TriggerKind.Alert, run.Trigger.Kind);
        Assert.Contains("etcdDatabaseHighFragmentationRatio via etcd-remediator", run.Trigger.Source);
        Assert.Equal(3, DefragEvidence.Windows(lab.Cluster).Count);
        using var audit = JsonDocument.Parse(await service.Client.GetStringAsync("/api/v1/alerts"));
        var delivery = audit.RootElement.EnumerateArray().First();
        Assert.Equal(202, delivery.GetProperty("statusCode").GetInt32());
        Assert.Equal("etcd-remediator", delivery.GetProperty("receiver").GetString());
    }
}

namespace EtcdRemediator.IntegrationTests.Alerts;

/// <summary>
/// Alerts as a control channel (#25): with the Prometheus Operator's matcher strategy `None` any
/// namespace's PrometheusRule reaches the webhook. Only alerts whose labels Alerts:RequireLabels
/// trusts are acted on, and an alert's own `remediation` label picks nothing unless allowed.
/// </summary>
public sealed class AlertSourceTests : IAsyncLifetime
{
    private readonly RemediatorApp _app = new(new Dictionary<string, string?>(RemediatorApp.ForUnreachableCluster())
    {
        ["Remediator:Alerts:RequireLabels:namespace"] = "kube-system",
    });

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<JsonElement> PostAsync(string ns, string? remediation = null)
    {
        var extra = new Dictionary<string, string> { ["namespace"] = ns };
        if (remediation is not null) extra["remediation"] = remediation;
        using var response = await _app.CreateClient().PostAsync("/api/v1/alerts",
            new StringContent(Payloads.Delivery(Payloads.Alert("etcdDatabaseHighFragmentationRatio", extra: extra)), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("alerts")[0].Clone();
    }

    /// <summary>
    /// The manifests' own setting, as kubectl would apply it (base/kustomization.yaml), against the
    /// labels kube-prometheus-stack's etcd rules give an alert: namespace kube-system, no cluster label.
    /// </summary>
    [Theory]
    [InlineData("kube-system", "started")]
    [InlineData("etcd-remediator", "started")]
    [InlineData("team-a", "ignored")]
    public async Task TheShippedSettingTrustsEtcdsAndOurNamespaceOnly(string ns, string disposition)
    {
        var literal = File.ReadAllLines(RepoFiles.Path("deploy", "kubernetes", "base", "kustomization.yaml"))
            .Select(l => l.Trim().TrimStart('-').Trim()).Single(l => l.StartsWith("Remediator__Alerts__RequireLabels__namespace=", StringComparison.Ordinal));
        await using var app = new RemediatorApp(new Dictionary<string, string?>(RemediatorApp.ForUnreachableCluster())
        {
            ["Remediator:Alerts:RequireLabels:namespace"] = literal[(literal.IndexOf('=', StringComparison.Ordinal) + 1)..],
        });
        var alert = Payloads.Alert("etcdDatabaseHighFragmentationRatio", cluster: null,
            extra: new Dictionary<string, string> { ["namespace"] = ns, ["job"] = "kube-etcd", ["severity"] = "warning" });

        using var response = await app.CreateClient().PostAsync("/api/v1/alerts", new StringContent(Payloads.Delivery(alert), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var d = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("alerts")[0];
        Assert.Equal(disposition, d.GetProperty("disposition").GetString());
    }

    [Fact]
    public async Task AnAlertFromAnUntrustedNamespaceStartsNothingAndSaysWhy()
    {
        var d = await PostAsync("team-a", remediation: "recover");

        Assert.Equal("ignored", d.GetProperty("disposition").GetString());
        Assert.Contains("Alerts:RequireLabels", d.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("[]", await _app.CreateClient().GetStringAsync("/api/v1/remediations?cluster=lab"));
    }

    [Fact]
    public async Task ATrustedAlertsRemediationLabelDoesNotTurnItIntoARecover()
    {
        var d = await PostAsync("kube-system", remediation: "recover");

        Assert.Equal(("started", "defrag"), (d.GetProperty("disposition").GetString(), d.GetProperty("action").GetString()));
    }
}

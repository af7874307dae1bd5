using EtcdRemediator.IntegrationTests.Alerts;

namespace EtcdRemediator.IntegrationTests.Reliability;

/// <summary>Whatever arrives, each stored record and each list answer has a size it cannot exceed.</summary>
public sealed class BoundedStoreTests : IAsyncLifetime
{
    private RemediatorApp _app = null!;

    public Task InitializeAsync()
    {
        _app = new RemediatorApp(new Dictionary<string, string?>(RemediatorApp.ForUnreachableCluster()) { ["Remediator:Alerts:AllowRemediationLabel"] = "true" });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<HttpStatusCode> PostAsync(string delivery) =>
        (await _app.CreateClient().PostAsync("/api/v1/alerts", new StringContent(delivery, Encoding.UTF8, "application/json"))).StatusCode;

    [Fact]
    public async Task ADeliveryOfAThousandIgnoredAlertsIsOneSmallAuditRow()
    {
        var alerts = Enumerable.Range(0, 1000).Select(i => Payloads.Alert($"Unrelated{i:D4}{new string('x', 150)}")).ToArray();
        Assert.Equal(HttpStatusCode.Accepted, await PostAsync(Payloads.Delivery(alerts)));

        var json = await _app.CreateClient().GetStringAsync("/api/v1/alerts?limit=1");
        var entry = JsonDocument.Parse(json).RootElement[0];

        Assert.Equal(100, entry.GetProperty("alerts").GetArrayLength());
        Assert.Equal(900, entry.GetProperty("alertsOmitted").GetInt32());
        Assert.True(json.Length < 128 * 1024, $"one audit row is {json.Length} characters");
    }

    [Fact]
    public async Task AThousandDistinctAlertNamesMakeASmallRunRecord()
    {
        var alerts = Enumerable.Range(0, 1000).Select(i => Payloads.Alert($"Custom{i:D4}{new string('y', 200)}",
            extra: new Dictionary<string, string> { ["remediation"] = "defrag" })).ToArray();
        Assert.Equal(HttpStatusCode.Accepted, await PostAsync(Payloads.Delivery(alerts)));

        var runs = await _app.CreateClient().GetStringAsync("/api/v1/remediations?cluster=lab&limit=1");

        Assert.Contains("and 990 more", runs);
        Assert.True(runs.Length < 16 * 1024, $"the run record is {runs.Length} characters");
    }

    [Fact]
    public async Task AListAnswerStaysWithinItsBudgetWhateverTheLimit()
    {
        var big = new Dictionary<string, string> { ["description"] = new string('d', 60_000) };
        for (var i = 0; i < 90; i++)
            Assert.Equal(HttpStatusCode.Accepted, await PostAsync(Payloads.Delivery(WithAnnotations(Payloads.Alert("etcdDatabaseHighFragmentationRatio"), big))));

        var json = await _app.CreateClient().GetStringAsync("/api/v1/alerts?limit=500");

        var count = JsonDocument.Parse(json).RootElement.GetArrayLength();
        Assert.InRange(count, 1, 89);
        Assert.True(json.Length < 5 * 1024 * 1024, $"the answer is {json.Length} characters");
    }

    private static Dictionary<string, object?> WithAnnotations(object alert, Dictionary<string, string> annotations)
    {
        var fields = JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(alert))!;
        fields["annotations"] = annotations;
        return fields;
    }
}

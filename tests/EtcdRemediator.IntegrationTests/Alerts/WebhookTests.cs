using Microsoft.Data.Sqlite;

namespace EtcdRemediator.IntegrationTests.Alerts;

/// <summary>
/// The webhook's rules. The clusters here do not answer (runs end Refused): what is tested is what
/// the intake decides and records, which must not depend on etcd.
/// </summary>
public sealed class WebhookTests : IAsyncLifetime
{
    private readonly BlackHole _hangingMember = new();
    private RemediatorApp _app = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _app = new RemediatorApp(new Dictionary<string, string?>(RemediatorApp.ForUnreachableCluster())
        {
            // prod hangs: its runs stay busy until their 5 s deadlines, so duplicates meet a live run.
            ["Remediator:Clusters:1:Name"] = "prod",
            ["Remediator:Clusters:1:Endpoints:0"] = _hangingMember.Url,
            ["Remediator:Policy:RequestTimeout"] = "00:00:05",
            ["Remediator:Alerts:Routes:EtcdCustomAlarm"] = "disarm",
            ["Remediator:Alerts:AllowRemediationLabel"] = "true",
            ["Remediator:Alerts:MaxBodyBytes"] = "65536",
        });
        _client = _app.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _hangingMember.Dispose();
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(string body, string contentType = "application/json")
    {
        var response = await _client.PostAsync("/api/v1/alerts", new StringContent(body, Encoding.UTF8, contentType));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private static JsonElement[] Dispositions(JsonElement body) =>
        [.. (body.TryGetProperty("alerts", out var a) ? a : body.GetProperty("alerts")).EnumerateArray()];

    [Fact]
    public async Task AFiringFragmentationAlertStartsADefragRunForItsCluster()
    {
        var (status, body) = await PostAsync(Payloads.Delivery(Payloads.Alert("etcdDatabaseHighFragmentationRatio")));

        Assert.Equal(HttpStatusCode.Accepted, status);
        var d = Assert.Single(Dispositions(body));
        Assert.Equal("started", d.GetProperty("disposition").GetString());
        Assert.Equal("lab", d.GetProperty("cluster").GetString());
        Assert.Equal("defrag", d.GetProperty("action").GetString());
        var run = await _client.GetRunAsync(d.GetProperty("runId").GetString()!);
        Assert.Equal(TriggerKind.Alert, run.Trigger.Kind);
        Assert.Contains("etcdDatabaseHighFragmentationRatio", run.Trigger.Source);
    }

    [Fact]
    public async Task AlertsOfOneClusterInOneDeliveryMakeOneRunWithTheStrongestAction()
    {
        var (status, body) = await PostAsync(Payloads.Delivery(
            Payloads.Alert("etcdDatabaseHighFragmentationRatio", instance: "m1"),
            Payloads.Alert("etcdDatabaseHighFragmentationRatio", instance: "m2"),
            Payloads.Alert("etcdNoSpaceAlarm", instance: "m3")));

        Assert.Equal(HttpStatusCode.Accepted, status);
        var all = Dispositions(body);
        Assert.Single(all.Select(d => d.GetProperty("runId").GetString()).Distinct());
        var run = await _client.GetRunAsync(all[0].GetProperty("runId").GetString()!);
        Assert.Equal(RemediationAction.Recover, run.Action);
        // As the README says: the first started it, the others joined it.
        Assert.Equal(["started", "joined", "joined"], all.Select(d => d.GetProperty("disposition").GetString()));
    }

    [Fact]
    public async Task TheSameDeliveryPostedTwentyTimesAtOnceStartsExactlyOneRun()
    {
        var payload = Payloads.Delivery(Payloads.Alert("etcdDatabaseHighFragmentationRatio", cluster: "prod"));

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => PostAsync(payload)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.Status));
        var dispositions = answers.Select(a => Dispositions(a.Body)[0]).ToList();
        var runIds = dispositions.Select(d => d.GetProperty("runId").GetString()).Distinct().ToList();
        var runs = JsonSerializer.Deserialize<List<RunRecord>>(await _client.GetStringAsync("/api/v1/remediations?cluster=prod&limit=50"), System.Text.Json.JsonSerializerOptions.Web)!;
        Assert.Single(runs);
        Assert.Equal([runs[0].Id], runIds);
        Assert.Equal(1, dispositions.Count(d => d.GetProperty("disposition").GetString() == "started"));
        Assert.Equal(19, dispositions.Count(d => d.GetProperty("disposition").GetString() == "joined"));
        Assert.True(runs[0].IsActive, "the run is still busy with the hanging member");
    }

    [Fact]
    public async Task ResolvedAlertsAreRecordedAndStartNothing()
    {
        var (status, body) = await PostAsync(Payloads.Delivery(Payloads.Alert("etcdNoSpaceAlarm", status: "resolved")));

        Assert.Equal(HttpStatusCode.Accepted, status);
        var d = Assert.Single(Dispositions(body));
        Assert.Equal("resolved", d.GetProperty("disposition").GetString());
        Assert.Equal(JsonValueKind.Null, d.GetProperty("runId").ValueKind);
        Assert.Empty(JsonDocument.Parse(await _client.GetStringAsync("/api/v1/remediations?cluster=lab")).RootElement.EnumerateArray());
    }

    [Theory]
    [InlineData("etcdMembersDown", null, "ignored", null)]
    [InlineData("etcdDatabaseHighFragmentationRatio", "snapshot", "started", "snapshot")]
    [InlineData("etcdDatabaseHighFragmentationRatio", "reboot", "ignored", null)]
    [InlineData("EtcdCustomAlarm", null, "started", "disarm")]
    public async Task TheRemediationLabelWinsThenConfiguredRoutesThenDefaults(string alertname, string? remediation, string disposition, string? action)
    {
        var extra = remediation is null ? null : new Dictionary<string, string> { ["remediation"] = remediation };

        var (status, body) = await PostAsync(Payloads.Delivery(Payloads.Alert(alertname, extra: extra)));

        Assert.Equal(HttpStatusCode.Accepted, status);
        var d = Assert.Single(Dispositions(body));
        Assert.Equal(disposition, d.GetProperty("disposition").GetString());
        Assert.Equal(action, d.GetProperty("action").GetString());
    }

    [Fact]
    public async Task AnAlertForAnUnknownClusterIs422NamingItAndTheOthersAreStillHandled()
    {
        var (status, body) = await PostAsync(Payloads.Delivery(
            Payloads.Alert("etcdDatabaseHighFragmentationRatio", cluster: "staging"),
            Payloads.Alert("etcdDatabaseHighFragmentationRatio", cluster: "lab")));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("'staging'", body.GetProperty("detail").GetString());
        var all = Dispositions(body);
        Assert.Equal("unknown-cluster", all[0].GetProperty("disposition").GetString());
        Assert.Equal("started", all[1].GetProperty("disposition").GetString());
    }

    [Fact]
    public async Task WithTwoClustersAnAlertWithoutAClusterLabelCannotBeRouted()
    {
        var (status, body) = await PostAsync(Payloads.Delivery(Payloads.Alert("etcdNoSpaceAlarm", cluster: null)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("no 'cluster' label", body.GetProperty("detail").GetString());
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "{\"version\":\"4\",", "body" },
        { Payloads.Delivery().Replace("\"version\":\"4\"", "\"version\":\"3\""), "version" },
        { Payloads.Delivery(), "alerts" },
        { Payloads.Delivery(new { status = "firing", annotations = new { } }), "alerts[0].labels" },
        { Payloads.Delivery(new { status = "burning", labels = new { alertname = "x" } }), "alerts[0].status" },
        { Payloads.Delivery(Payloads.Alert("x")).Replace("\"alerts\":[", "\"alerts\":[7,"), "alerts[0]" },
        // Once a 500 (a NullReferenceException in the router), unaudited, with a stack trace per request.
        { "{\"version\":\"4\",\"status\":\"firing\",\"alerts\":[null]}", "alerts[0]" },
        { Payloads.Delivery(Payloads.Alert("x"), null!), "alerts[1]" },
        { Payloads.Delivery(Payloads.Alert("x", extra: new() { ["job"] = null! })), "alerts[0].labels" },
        { Payloads.Delivery(new { status = "firing", labels = new { alertname = 5 } }), "alerts[0].labels.alertname" },
        { "\"just a string\"", "body" },
        // Stored fields are bounded: a 1 MB fingerprint once became a 1 MB audit row.
        { Payloads.Delivery(new { status = "firing", labels = new { alertname = "x" }, fingerprint = new string('f', 1_000) }), "alerts[0].fingerprint" },
        { Payloads.Delivery(new { status = "firing", labels = new { alertname = new string('n', 900) } }), "alerts[0].labels.alertname" },
        { Payloads.Delivery(Payloads.Alert("x")).Replace("\"receiver\":\"", "\"receiver\":\"" + new string('r', 300)), "receiver" },
        // Names reach log lines: a forged line (\r) or a terminal escape (ESC) in one once did.
        { Payloads.Delivery(new { status = "firing", labels = new { alertname = "etcdDatabaseHighFragmentationRatio\r2026-11-26T00:00:00.000Z crit: forged" } }), "alerts[0].labels.alertname" },
        { Payloads.Delivery(Payloads.Alert("x")).Replace("\"receiver\":\"", "\"receiver\":\"\\u001b[2K"), "receiver" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public async Task APayloadThatCanNeverBeValidIs400NamingTheField(string payload, string field)
    {
        var (status, body) = await PostAsync(payload);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(body.GetProperty("errors").TryGetProperty(field, out _), body.GetProperty("errors").ToString());
    }

    [Fact]
    public async Task WrongContentTypeIs415AndAnOversizedBodyIs413()
    {
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await PostAsync(Payloads.Delivery(Payloads.Alert("x")), "text/plain")).Status);
        var huge = Payloads.Delivery(Payloads.Alert("x", extra: new() { ["blob"] = new string('x', 70_000) }));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await PostAsync(huge)).Status);
    }

    [Fact]
    public async Task EveryDeliveryIsAuditedRejectedOnesToo()
    {
        await PostAsync(Payloads.Delivery(Payloads.Alert("etcdDatabaseHighFragmentationRatio")));
        await PostAsync(Payloads.Delivery().Replace("\"version\":\"4\"", "\"version\":\"3\""));

        using var audit = JsonDocument.Parse(await _client.GetStringAsync("/api/v1/alerts?limit=10"));
        var entries = audit.RootElement.EnumerateArray().ToList();

        Assert.Equal(2, entries.Count);
        Assert.Equal(400, entries[0].GetProperty("statusCode").GetInt32());
        Assert.Contains("version", entries[0].GetProperty("error").GetString());
        Assert.Contains("\"version\":\"3\"", entries[0].GetProperty("payload").GetString());
        Assert.Equal(202, entries[1].GetProperty("statusCode").GetInt32());
        Assert.Equal("started", entries[1].GetProperty("alerts")[0].GetProperty("disposition").GetString());
    }

    [Fact]
    public async Task WhenTheStoreCannotTakeTheAlertTheAnswerIs503SoAlertmanagerRetries()
    {
        await using (var locker = new SqliteConnection($"Data Source={Path.Combine(_app.DataDirectory, "remediator.db")};Pooling=False"))
        {
            await locker.OpenAsync();
            await using var exclusive = locker.CreateCommand();
            exclusive.CommandText = "BEGIN EXCLUSIVE";
            await exclusive.ExecuteNonQueryAsync();

            var (status, _) = await PostAsync(Payloads.Delivery(Payloads.Alert("etcdDatabaseHighFragmentationRatio")));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        }

        // Once the store is back, Alertmanager's retry is taken.
        Assert.Equal(HttpStatusCode.Accepted, (await PostAsync(Payloads.Delivery(Payloads.Alert("etcdDatabaseHighFragmentationRatio")))).Status);
    }
}

using System.Net.Http.Headers;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace EtcdRemediator.IntegrationTests.Reliability;

/// <summary>
/// What one token holder can do to the service (#25): fill the disk the snapshots live on through the
/// audit, or guess tokens. The service as a real process on a real etcd cluster, over TCP (the
/// client address is what the failure limit counts).
/// </summary>
public sealed class AbuseLimitTests(ITestOutputHelper output)
{
    private const string Webhook = "abuse-webhook-token-0123456789";
    private const string Operator = "abuse-operator-token-0123456789";

    /// <summary>A real cluster and the service's settings for it: both tokens, a 1 MiB audit.</summary>
    private static async Task<ProcessScenario> StartLabAsync()
    {
        var lab = await ProcessScenario.StartAsync();
        lab.Settings["Remediator:Auth:WebhookTokens:0"] = Webhook;
        lab.Settings["Remediator:Auth:OperatorTokens:0"] = Operator;
        lab.Settings["Remediator:Storage:AuditMaxBytes"] = "1MiB";
        return lab;
    }

    /// <summary>At most 16 connections: one address may hold 32 (Auth:MaxConnectionsPerAddress).</summary>
    private static HttpClient Client(string url, string token)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { BaseAddress = new Uri(url) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [Fact]
    public async Task AFloodOfRejectedDeliveriesIsLimitedAndBoundedAndASnapshotStillWorksAfterIt()
    {
        await using var lab = await StartLabAsync();
        await using var service = await lab.StartServiceAsync();
        using var webhook = Client(service.Url, Webhook);
        var hostile = new string('<', 64 * 1024); // not JSON: every delivery is a 400, audited with its body

        var codes = await Task.WhenAll(Enumerable.Range(0, 400).Select(async _ =>
        {
            using var response = await webhook.PostAsync("/api/v1/alerts", new StringContent(hostile, Encoding.UTF8, "application/json"));
            return (response.StatusCode, response.Headers.RetryAfter is not null);
        }));

        var rejected = codes.Count(c => c.StatusCode == HttpStatusCode.BadRequest);
        var limited = codes.Count(c => c.StatusCode == HttpStatusCode.ServiceUnavailable);
        Assert.Equal(400, rejected + limited);
        Assert.True(limited > 0 && codes.Where(c => c.StatusCode == HttpStatusCode.ServiceUnavailable).All(c => c.Item2),
            $"{limited} answered 503 with Retry-After of 400 sent as fast as possible");
        var stored = await StoredAuditCharsAsync(lab.Data);
        var file = new FileInfo(Path.Combine(lab.Data, "remediator.db")).Length + (File.Exists(Path.Combine(lab.Data, "remediator.db-wal")) ? new FileInfo(Path.Combine(lab.Data, "remediator.db-wal")).Length : 0);
        output.WriteLine($"400 deliveries of 64 KiB '<': {rejected} audited as 400, {limited} limited (503); audit holds {stored} characters; store files {file} bytes");
        Assert.True(stored <= 1024 * 1024, $"the audit holds {stored} characters");

        using var operatorClient = Client(service.Url, Operator);
        var run = await operatorClient.RunToEndAsync("lab", "snapshot");
        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.True(File.Exists(run.Snapshot!.Path), run.Snapshot.Path);
    }

    /// <summary>
    /// A guesser beside Alertmanager (a shared address: a sidecar proxy, a node's NAT, the demo's
    /// 127.0.0.1) is slowed to 429s, and Alertmanager's right token still gets through: a 429 on the
    /// webhook would be dropped for good.
    /// </summary>
    [Fact]
    public async Task ThirtyWrongTokensGetTheAddress429sForTheRestOfTheMinuteWhileTheRightTokenStillPasses()
    {
        await using var lab = await StartLabAsync();
        await using var service = await lab.StartServiceAsync();
        using var guesser = Client(service.Url, "a-wrong-guess-0123456789abcdef");
        using var right = Client(service.Url, Operator);
        using var webhook = Client(service.Url, Webhook);

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 31; i++) answers.Add((await guesser.GetAsync("/api/v1/clusters")).StatusCode);

        Assert.All(answers.Take(30), a => Assert.Equal(HttpStatusCode.Unauthorized, a));
        using var locked = await guesser.GetAsync("/api/v1/clusters");
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.NotNull(locked.Headers.RetryAfter);
        Assert.Contains("wrong tokens from this address", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await right.GetAsync("/api/v1/clusters")).StatusCode);
        using var delivery = await webhook.PostAsync("/api/v1/alerts",
            new StringContent(Alerts.Payloads.Delivery(Alerts.Payloads.Alert("etcdMembersDown")), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.Accepted, delivery.StatusCode);
        Assert.Contains("127.0.0.1", service.Output, StringComparison.Ordinal); // the refusals name the client's address
    }

    /// <summary>
    /// Whoever stole the webhook token floods from its own address; Alertmanager's deliveries from another keep
    /// their own budget (#38: one budget per token had 2 of 5 of them 503'd, and Alertmanager gives up in time).
    /// </summary>
    [Fact]
    public async Task AThiefWithTheWebhookTokenFloodingFromItsAddressLeavesAlertmanagersDeliveriesUnlimited()
    {
        var data = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "abuse-").FullName;
        await using var service = await ServiceProcess.StartAsync(data, new Dictionary<string, string?>(RemediatorApp.ForUnreachableCluster())
        {
            ["Remediator:Auth:WebhookTokens:0"] = Webhook,
            ["Remediator:Auth:OperatorTokens:0"] = Operator,
        });
        using var thief = LoopbackSource.Client(service.Url, IPAddress.Parse("127.0.0.2"), Webhook);
        using var alertmanager = LoopbackSource.Client(service.Url, IPAddress.Parse("127.0.0.3"), Webhook);
        var delivery = Alerts.Payloads.Delivery(Alerts.Payloads.Alert("etcdMembersDown", status: "resolved"));

        using var flooding = new CancellationTokenSource();
        var thiefCodes = new System.Collections.Concurrent.ConcurrentQueue<HttpStatusCode>();
        var flood = Task.Run(async () =>
        {
            while (!flooding.IsCancellationRequested)
            {
                using var response = await thief.PostAsync("/api/v1/alerts", new StringContent(delivery, Encoding.UTF8, "application/json"));
                thiefCodes.Enqueue(response.StatusCode);
            }
        });
        await Poll.UntilAsync(() => Task.FromResult(thiefCodes.Contains(HttpStatusCode.ServiceUnavailable)), TimeSpan.FromSeconds(30),
            "the thief's deliveries to be limited");
        var ours = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await alertmanager.PostAsync("/api/v1/alerts", new StringContent(delivery, Encoding.UTF8, "application/json"));
            ours.Add(response.StatusCode);
        }
        await flooding.CancelAsync();
        await flood;

        var codes = thiefCodes.ToList();
        output.WriteLine($"thief: {codes.Count} deliveries, {codes.Count(c => c == HttpStatusCode.ServiceUnavailable)} limited; Alertmanager: {string.Join(", ", ours.Select(c => (int)c))}");
        Assert.All(ours, c => Assert.Equal(HttpStatusCode.Accepted, c));
        Directory.Delete(data, recursive: true);
    }

    [Fact]
    public async Task KestrelTakesABoundedNumberOfConnectionsUnlessConfiguredOtherwise()
    {
        await using var app = new RemediatorApp(RemediatorApp.ForUnreachableCluster());
        await using var configured = new RemediatorApp(new Dictionary<string, string?>(RemediatorApp.ForUnreachableCluster())
        {
            ["Kestrel:Limits:MaxConcurrentConnections"] = "64",
        });

        Assert.Equal(Startup.ConfigurationExtensions.MaxConnections, Limit(app));
        Assert.Equal(64, Limit(configured));

        static long? Limit(RemediatorApp app) =>
            app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>>().Value.Limits.MaxConcurrentConnections;
    }

    private static async Task<long> StoredAuditCharsAsync(string data)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(data, "remediator.db"),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COALESCE(SUM(length(entry)), 0) FROM alert_audit";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

using System.Net.Http.Headers;
using EtcdRemediator.IntegrationTests.Alerts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace EtcdRemediator.IntegrationTests.Api;

public sealed class AuthTests : IAsyncLifetime
{
    private RemediatorApp _app = null!;
    private readonly string _tokens = Path.Combine(Path.GetTempPath(), $"etcdrem-it-tokens-{Guid.NewGuid():N}");

    public Task InitializeAsync()
    {
        var tokens = _tokens;
        File.WriteAllText(tokens, "# operators\nfile-operator-token-0123456789\n");
        _app = new RemediatorApp(new Dictionary<string, string?>
        {
            ["Remediator:Clusters:0:Name"] = "lab",
            ["Remediator:Clusters:0:Endpoints:0"] = $"http://127.0.0.1:{FreePorts.Next()}",
            ["Remediator:Auth:WebhookTokens:0"] = "webhook-token-0123456789",
            ["Remediator:Auth:OperatorTokens:0"] = "operator-token-0123456789",
            ["Remediator:Auth:OperatorTokensFile"] = tokens,
            ["Remediator:Auth:MetricsTokens:0"] = "metrics-token-0123456789",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        File.Delete(_tokens);
    }

    private HttpClient Client(string? token)
    {
        var client = _app.CreateClient();
        if (token is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static StringContent Alert() =>
        new(Payloads.Delivery(Payloads.Alert("etcdDatabaseHighFragmentationRatio")), Encoding.UTF8, "application/json");

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    [InlineData("operator-toke")]
    [InlineData("OPERATOR-TOKEN")]
    public async Task WithoutAValidTokenEveryApiCallIs401(string? token)
    {
        var client = Client(token);

        var status = await client.GetAsync("/api/v1/clusters");
        var alerts = await client.PostAsync("/api/v1/alerts", Alert());

        Assert.Equal(HttpStatusCode.Unauthorized, status.StatusCode);
        Assert.Equal("Bearer", status.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal("application/problem+json", status.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, alerts.StatusCode);
    }

    [Fact]
    public async Task AWebhookTokenMayPostAlertsAndNothingElse()
    {
        var client = Client("webhook-token-0123456789");

        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/api/v1/alerts", Alert())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/clusters")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/alerts")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.PostTriggerAsync("lab", "defrag")).StatusCode);
    }

    /// <summary>/metrics names clusters, members and database sizes (#38): Prometheus' own token reads it and nothing else.</summary>
    [Fact]
    public async Task AMetricsTokenMayReadMetricsAndNothingElseAndAnonymousCallersMayNotReadThem()
    {
        var metrics = Client("metrics-token-0123456789");

        Assert.Equal(HttpStatusCode.OK, (await metrics.GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client("operator-token-0123456789").GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client(null).GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Client("webhook-token-0123456789").GetAsync("/metrics")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await metrics.GetAsync("/api/v1/clusters")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await metrics.PostAsync("/api/v1/alerts", Alert())).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client(null).GetAsync("/healthz")).StatusCode);
    }

    [Theory]
    [InlineData("operator-token-0123456789")]
    [InlineData("file-operator-token-0123456789")]
    public async Task AnOperatorTokenFromConfigurationOrFileMayDoEverything(string token)
    {
        var client = Client(token);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/clusters")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/alerts")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync("/api/v1/alerts", Alert())).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostTriggerAsync("lab", "snapshot", dryRun: true)).StatusCode);
    }

    [Fact]
    public async Task WithNoTokensConfiguredARemoteClientIsTurnedAway()
    {
        await using var open = new RemoteClientApp(new Dictionary<string, string?>
        {
            ["Remediator:Clusters:0:Name"] = "lab",
            ["Remediator:Clusters:0:Endpoints:0"] = $"http://127.0.0.1:{FreePorts.Next()}",
        });

        var response = await open.CreateClient().GetAsync("/api/v1/clusters");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>The service as a client at 192.0.2.10 (TEST-NET-1) sees it; no traffic leaves the process.</summary>
    private sealed class RemoteClientApp(Dictionary<string, string?> settings) : IAsyncDisposable
    {
        private readonly RemediatorApp _inner = new(settings);

        public HttpClient CreateClient() => _inner.WithWebHostBuilder(b => b.ConfigureServices(s =>
            s.AddSingleton<IStartupFilter>(new RemoteAddress(IPAddress.Parse("192.0.2.10"))))).CreateClient();

        public ValueTask DisposeAsync() => _inner.DisposeAsync();
    }

    private sealed class RemoteAddress(IPAddress address) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = address;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

namespace EtcdRemediator.IntegrationTests.Api;

/// <summary>
/// With no tokens configured, loopback is the only protection: a page in the operator's browser must
/// not be able to start a remediation through DNS rebinding or a cross-origin form or fetch.
/// </summary>
public sealed class BrowserGuardTests : IAsyncLifetime
{
    private RemediatorApp _app = null!;

    public Task InitializeAsync()
    {
        _app = new RemediatorApp(RemediatorApp.ForUnreachableCluster());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<HttpResponseMessage> TriggerAsync(string? host = null, string? origin = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/clusters/lab/remediations")
        {
            Content = JsonContent.Create(new { action = "defrag", force = true }),
        };
        if (host is not null) request.Headers.Host = host;
        if (origin is not null) request.Headers.Add("Origin", origin);
        return await _app.CreateClient().SendAsync(request);
    }

    private async Task<int> RunCountAsync() =>
        (await _app.CreateClient().GetFromJsonAsync<List<object>>("/api/v1/remediations?cluster=lab"))!.Count;

    [Fact]
    public async Task ARebindingPageWithItsOwnHostNameStartsNothing()
    {
        var response = await TriggerAsync(host: "rebind.attacker.example", origin: "http://rebind.attacker.example");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("not a loopback name", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await RunCountAsync());
    }

    [Fact]
    public async Task ACrossOriginStateChangeIsRefusedEvenFromLocalhost()
    {
        var response = await TriggerAsync(origin: "http://evil.example");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("another origin", await response.Content.ReadAsStringAsync());
        Assert.Equal(0, await RunCountAsync());
    }

    [Theory]
    [InlineData("localhost", null)]
    [InlineData("127.0.0.1:8080", "http://127.0.0.1:8080")]
    [InlineData("[::1]:8080", null)]
    public async Task LoopbackNamesAndTheServicesOwnOriginAreServed(string host, string? origin)
    {
        var response = await TriggerAsync(host, origin);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task ThePageCannotBeFramedAndLoadsOnlyItsOwnFiles()
    {
        var response = await _app.CreateClient().GetAsync("/");

        Assert.Equal(["DENY"], response.Headers.GetValues("X-Frame-Options"));
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Contains("script-src 'self'", policy);
        Assert.DoesNotContain("unsafe-inline", policy);
    }
}

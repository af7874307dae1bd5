namespace EtcdRemediator.IntegrationTests.Api;

/// <summary>
/// The tokenless loopback mode is for a process started by hand: it never serves a request that came
/// through a proxy, it is never entered by an empty token file, and a pod never runs in it unless told.
/// </summary>
public sealed class FailClosedTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "fail-closed-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Dictionary<string, string?> Local() => new()
    {
        ["Remediator:Clusters:0:Name"] = "lab",
        ["Remediator:Clusters:0:Endpoints:0"] = $"http://127.0.0.1:{FreePorts.Next()}",
    };

    [Fact]
    public async Task WithoutTokensARequestThatCameThroughAProxyIsRefusedEvenWithForwardedHeadersEnabled()
    {
        // ASP.NET Core's standard switch: X-Forwarded-For from a loopback proxy rewrites the client address.
        var settings = Local();
        settings["ASPNETCORE_FORWARDEDHEADERS_ENABLED"] = "true";
        await using var service = await ServiceProcess.StartAsync(_dir, settings);
        using var http = new HttpClient { BaseAddress = new Uri(service.Url) };
        using var forwarded = new HttpRequestMessage(HttpMethod.Get, "/api/v1/clusters") { Headers = { { "X-Forwarded-For", "127.0.0.1" } } };
        using var rfc7239 = new HttpRequestMessage(HttpMethod.Get, "/api/v1/clusters") { Headers = { { "Forwarded", "for=127.0.0.1" } } };

        var direct = await http.GetAsync("/api/v1/clusters");
        var proxied = await http.SendAsync(forwarded);
        var proxiedToo = await http.SendAsync(rfc7239);

        Assert.Equal(HttpStatusCode.OK, direct.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, proxied.StatusCode);
        Assert.Contains("came through a proxy", await proxied.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, proxiedToo.StatusCode);
    }

    [Theory]
    [InlineData("", "holds no token")]
    [InlineData("# the operator's token goes here\n\n", "holds no token")]
    [InlineData("short-token\n", "a token of 11 characters is too short; use at least 16")]
    [InlineData("change-me-operator-token\n", "is the placeholder from the repository")]
    public async Task AnOperatorTokenFileThatGivesNoUsableTokenStopsStartUp(string content, string message)
    {
        var file = Path.Combine(_dir, "operator.token");
        await File.WriteAllTextAsync(file, content);
        var settings = Local();
        settings["Remediator:Auth:OperatorTokensFile"] = file;

        var (exit, lines) = await ServiceProcess.RunUntilExitAsync(_dir, settings);

        Assert.True(exit == 2, string.Join('\n', lines));
        Assert.Contains(lines, l => l.StartsWith("  - Remediator:Auth:OperatorTokensFile", StringComparison.Ordinal) && l.Contains(message, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("change-me-operator-token", StringComparison.Ordinal) && !l.Contains("placeholder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task InKubernetesWithoutTokensTheServiceRefusesToStartUnlessExplicitlyAllowed()
    {
        var settings = Local();
        settings["KUBERNETES_SERVICE_HOST"] = "127.0.0.1";

        var (exit, lines) = await ServiceProcess.RunUntilExitAsync(_dir, settings);
        settings["Remediator:Auth:AllowLoopbackWithoutTokens"] = "true";
        await using var allowed = await ServiceProcess.StartAsync(Directory.CreateDirectory(Path.Combine(_dir, "allowed")).FullName, settings);

        Assert.True(exit == 2, string.Join('\n', lines));
        Assert.Contains(lines, l => l.Contains("runs in Kubernetes (KUBERNETES_SERVICE_HOST is set)", StringComparison.Ordinal));
        using var http = new HttpClient();
        Assert.True((await http.GetAsync(allowed.Url + "/healthz")).IsSuccessStatusCode);
    }
}

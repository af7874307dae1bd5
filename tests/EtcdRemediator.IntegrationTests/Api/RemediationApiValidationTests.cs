namespace EtcdRemediator.IntegrationTests.Api;

/// <summary>Bad input gets problem details naming the field, and never reaches etcd.</summary>
public sealed class RemediationApiValidationTests : IAsyncLifetime
{
    private readonly RemediatorApp _app = new(RemediatorApp.ForUnreachableCluster());
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _app.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private async Task<(HttpStatusCode Status, JsonElement Problem)> PostAsync(string body, string contentType = "application/json", string cluster = "lab")
    {
        var response = await _client.PostAsync($"/api/v1/clusters/{cluster}/remediations", new StringContent(body, Encoding.UTF8, contentType));
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    [Theory]
    [InlineData("""{"action":"reboot"}""", "action", "'reboot' is not an action")]
    [InlineData("""{"dryRun":true}""", "action", "'action' is required")]
    [InlineData("""{"action":"defrag","dryRun":"yes"}""", "dryRun", "wrong type")]
    [InlineData("""{"action":"defrag","dry_run":true}""", "dry_run", "unknown field 'dry_run'")]
    [InlineData("""{"action":"defrag",""", "body", "not valid JSON")]
    [InlineData("""{"action":"defrag","dryRun":true,"dryRun":false}""", "dryRun", "more than once")]
    [InlineData("""[1,2,3]""", "body", "")]
    [InlineData("""null""", "body", "must be a JSON object")]
    public async Task AnInvalidBodyIs400NamingTheField(string body, string field, string message)
    {
        var (status, problem) = await PostAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"errors: {errors}");
        Assert.Contains(message, messages[0].GetString());
    }

    [Fact]
    public async Task ABodyThatIsNotJsonIs415()
    {
        var (status, problem) = await PostAsync("action=defrag", "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Contains("application/json", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task AnUnknownClusterIs404()
    {
        var (status, problem) = await PostAsync("""{"action":"defrag"}""", cluster: "prod");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("prod", problem.GetProperty("cluster").GetString());
    }

    [Theory]
    [InlineData("/api/v1/remediations/r-nope", HttpStatusCode.NotFound)]
    [InlineData("/api/v1/remediations?limit=0", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/remediations?limit=abc", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/remediations?limit=100000", HttpStatusCode.BadRequest)]
    [InlineData("/api/v1/remediations?cluster=prod", HttpStatusCode.NotFound)]
    public async Task BadLookupsAreProblemsNotErrors(string url, HttpStatusCode expected)
    {
        var response = await _client.GetAsync(url);

        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task AnAcceptedTriggerIsListedNewestFirst()
    {
        var first = await _client.TriggerAsync("lab", "snapshot", dryRun: true);
        var second = await _client.TriggerAsync("lab", "defrag", dryRun: true);

        using var list = JsonDocument.Parse(await _client.GetStringAsync("/api/v1/remediations?cluster=lab&limit=2"));

        Assert.Equal([second.Id, first.Id], list.RootElement.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
    }

    [Theory]
    [InlineData("99999999999999999d")]
    [InlineData("61s")]
    [InlineData("soon")]
    public async Task AWaitThatIsNotADurationUpToAMinuteIs400(string wait)
    {
        var response = await _client.PostAsync($"/api/v1/clusters/lab/remediations?wait={wait}",
            new StringContent("""{"action":"snapshot","dryRun":true}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'wait' must be a duration", await response.Content.ReadAsStringAsync());
    }
}

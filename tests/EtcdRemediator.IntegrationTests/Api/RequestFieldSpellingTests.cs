namespace EtcdRemediator.IntegrationTests.Api;

/// <summary>A misspelt request field is answered as a misspelt configuration key is: with the field meant.</summary>
public sealed class RequestFieldSpellingTests
{
    [Theory]
    [InlineData("dry_run", "dryRun")]
    [InlineData("ignore_thresholds", "ignoreThresholds")]
    [InlineData("forced", "force")]
    [InlineData("acton", "action")]
    public async Task AnUnknownFieldIs400NamingItAndTheFieldMeant(string written, string meant)
    {
        await using var app = new RemediatorApp(new Dictionary<string, string?>
        {
            ["Remediator:Clusters:0:Name"] = "lab",
            ["Remediator:Clusters:0:Endpoints:0"] = $"http://127.0.0.1:{FreePorts.Next()}",
        });

        var response = await app.CreateClient().PostAsync("/api/v1/clusters/lab/remediations",
            new StringContent($$"""{"action":"defrag","{{written}}":true}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal($"unknown field '{written}'; did you mean '{meant}'?", problem.GetProperty("errors").GetProperty(written)[0].GetString());
    }

    [Fact]
    public async Task AFieldLikeNoneIsStillUnknownWithoutAGuess()
    {
        await using var app = new RemediatorApp(new Dictionary<string, string?>
        {
            ["Remediator:Clusters:0:Name"] = "lab",
            ["Remediator:Clusters:0:Endpoints:0"] = $"http://127.0.0.1:{FreePorts.Next()}",
        });

        var response = await app.CreateClient().PostAsync("/api/v1/clusters/lab/remediations",
            new StringContent("""{"action":"defrag","priority":1}""", Encoding.UTF8, "application/json"));

        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("unknown field 'priority'; check its spelling", problem.GetProperty("errors").GetProperty("priority")[0].GetString());
    }
}

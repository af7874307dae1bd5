using System.Net.Http.Headers;
using EtcdRemediator.Api;
using EtcdRemediator.History;

namespace EtcdRemediator.IntegrationTests.History;

/// <summary>The watch's readings of a real cluster, kept and served per member.</summary>
public sealed class HistoryTests
{
    private const string Token = "history-operator-token-0123";

    [Fact]
    public async Task TheWatchsReadingsAreServedPerMemberAndBadQueriesAreProblems()
    {
        await using var lab = await LabScenario.StartAsync(configure: s =>
        {
            s["Remediator:Watch:Interval"] = "1s";
            s["Remediator:Auth:OperatorTokens:0"] = Token;
        });
        var client = lab.App.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var started = DateTimeOffset.UtcNow;
        await lab.Cluster.WriteAsync("data/", 50);

        var history = await Poll.UntilAsync(() => client.GetFromJsonAsync<ClusterHistoryView>("/api/v1/clusters/lab/history")!,
            h => h!.Members.Count == 3 && h.Members.All(m => m.Samples.Count >= 3), TimeSpan.FromSeconds(40), "three samples of each member");
        var status = (await client.GetFromJsonAsync<ClusterStatusView>("/api/v1/clusters/lab/status"))!;

        Assert.Equal(status.Members.Select(m => (m.Id, m.Name)).Order(), history!.Members.Select(m => (m.Id, m.Name)).Order());
        Assert.All(history.Members, m =>
        {
            Assert.Equal(m.Samples.OrderBy(s => s.At), m.Samples);
            Assert.All(m.Samples, s =>
            {
                Assert.True(s.At >= started.AddSeconds(-1) && s.At <= history.Until, $"{s.At:O}");
                Assert.True(s.DbSize >= s.DbSizeInUse && s.DbSizeInUse > 0 && s.Quota > 0, $"{s}");
            });
            Assert.True(m.Samples.Zip(m.Samples.Skip(1)).All(p => p.Second.At - p.First.At >= TimeSpan.FromSeconds(4.9)));
        });
        Assert.Single(history.Members, m => m.Samples[^1].Leader);
        Assert.Equal(0, history.BucketSeconds);

        var recent = (await client.GetFromJsonAsync<ClusterHistoryView>($"/api/v1/clusters/lab/history?since={Uri.EscapeDataString(history.Until.AddSeconds(-6).ToString("O"))}"))!;
        Assert.All(recent.Members, m => Assert.InRange(m.Samples.Count, 1, 2));

        foreach (var bad in new[] { "yesterday", "2026-13-45T00:00:00Z", "1700000000", DateTimeOffset.UtcNow.AddDays(1).ToString("O") })
        {
            var response = await client.GetAsync($"/api/v1/clusters/lab/history?since={Uri.EscapeDataString(bad)}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.True(problem.GetProperty("errors").TryGetProperty("since", out _), bad);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/v1/clusters/nope/history")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await lab.App.CreateClient().GetAsync("/api/v1/clusters/lab/history")).StatusCode);
    }
}

using EtcdRemediator.Api;

namespace EtcdRemediator.IntegrationTests.Api;

/// <summary>Read-only checks against one healthy cluster, shared by the class.</summary>
/// <remarks>Public, as the test class's IClassFixture names it; what it holds is internal, as the service's types are.</remarks>
public sealed class HealthyClusterFixture : IAsyncLifetime
{
    internal EtcdTestCluster Cluster { get; private set; } = null!;
    internal RemediatorApp App { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Cluster = await EtcdTestCluster.StartAsync();
        await Cluster.WriteAsync("data/", 20);
        App = new RemediatorApp(RemediatorApp.ForCluster(Cluster));
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}

public sealed class ClusterStatusTests(HealthyClusterFixture fixture) : IClassFixture<HealthyClusterFixture>
{
    [Fact]
    public async Task StatusOfAHealthyClusterMatchesWhatEtcdctlReports()
    {
        // A cluster that has just started still moves pages at its first commits: read ours and
        // etcdctl's again until both readings agree to one 4 KiB page, then check everything else.
        static bool Close(long ours, long theirs) => Math.Abs(ours - theirs) <= 4096;
        var (view, etcdctl) = await Poll.UntilAsync(async () =>
            {
                var ours = await fixture.App.CreateClient().GetFromJsonAsync<ClusterStatusView>("/api/v1/clusters/lab/status");
                return (ours!, await EtcdctlStatusAsync(fixture.Cluster.Endpoints));
            },
            r => r.Item1.Members.All(m => r.Item2.SingleOrDefault(s => s.Endpoint == m.Endpoint) is { } t
                && m.DbSize is { } size && m.DbSizeInUse is { } inUse && Close(size, t.DbSize) && Close(inUse, t.DbSizeInUse)),
            TimeSpan.FromSeconds(20), "our status and etcdctl's to agree");

        Assert.Equal(3, view.Members.Count);
        Assert.All(view.Members, m => Assert.Null(m.Error));
        var leader = Assert.Single(view.Members, m => m.IsLeader);
        Assert.Equal(view.Leader, leader.Id);

        foreach (var row in view.Members)
        {
            var theirs = etcdctl.Single(s => s.Endpoint == row.Endpoint);
            Assert.Equal(theirs.MemberId, row.Id);
            Assert.Equal(theirs.Leader, view.Leader);
            Assert.InRange(row.DbSize!.Value, theirs.DbSize - 4096, theirs.DbSize + 4096);
            Assert.InRange(row.DbSizeInUse!.Value, theirs.DbSizeInUse - 4096, theirs.DbSizeInUse + 4096);
            Assert.Equal(theirs.Version, row.Version);
            Assert.True(row.RaftTerm > 0 && row.RaftIndex > 0 && row.RaftAppliedIndex > 0);
        }
    }

    [Fact]
    public async Task ClustersEndpointListsTheConfiguredCluster()
    {
        using var doc = JsonDocument.Parse(await fixture.App.CreateClient().GetStringAsync("/api/v1/clusters"));
        var cluster = Assert.Single(doc.RootElement.EnumerateArray());
        Assert.Equal("lab", cluster.GetProperty("name").GetString());
        Assert.Equal(fixture.Cluster.Endpoints, cluster.GetProperty("endpoints").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task AnUnknownClusterIsA404ProblemNamingIt()
    {
        var response = await fixture.App.CreateClient().GetAsync("/api/v1/clusters/nope/status");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("'nope'", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task AskingForTextGivesATableWithOneLinePerMember()
    {
        var client = fixture.App.CreateClient();
        client.DefaultRequestHeaders.Accept.ParseAdd("text/plain");

        var table = await client.GetStringAsync("/api/v1/clusters/lab/status");

        var lines = table.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("cluster lab", lines[0]);
        Assert.StartsWith("MEMBER", lines[1]);
        Assert.Equal(3, lines.Skip(2).Count());
        Assert.Single(lines.Skip(2), l => l.Contains(" * ", StringComparison.Ordinal));
    }

    private sealed record EtcdctlRow(string Endpoint, string MemberId, string Leader, long DbSize, long DbSizeInUse, string Version);

    /// <summary>The independent witness: etcdctl's own JSON, ids printed the way etcdctl prints them.</summary>
    private static async Task<List<EtcdctlRow>> EtcdctlStatusAsync(IReadOnlyList<string> endpoints)
    {
        var info = new ProcessStartInfo("etcdctl", ["--endpoints", string.Join(",", endpoints), "endpoint", "status", "-w", "json"])
        {
            RedirectStandardOutput = true,
            Environment = { ["ETCDCTL_API"] = "3" },
        };
        using var process = Process.Start(info)!;
        var json = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        using var doc = JsonDocument.Parse(json);
        return [.. doc.RootElement.EnumerateArray().Select(e =>
        {
            var s = e.GetProperty("Status");
            return new EtcdctlRow(e.GetProperty("Endpoint").GetString()!,
                s.GetProperty("header").GetProperty("member_id").GetUInt64().ToString("x"),
                s.GetProperty("leader").GetUInt64().ToString("x"),
                s.GetProperty("dbSize").GetInt64(), s.GetProperty("dbSizeInUse").GetInt64(), s.GetProperty("version").GetString()!);
        })];
    }
}

using EtcdRemediator.Api;

namespace EtcdRemediator.IntegrationTests.Api;

/// <summary>Status in the states an on-call engineer meets: fragmented, a member down, NOSPACE.</summary>
public sealed class ClusterConditionTests
{
    [Fact]
    public async Task AFragmentedClusterShowsLowUtilisationOnEveryMember()
    {
        await using var lab = await LabScenario.StartAsync(fragmentMegabytes: 16);

        var view = await lab.Client.GetFromJsonAsync<ClusterStatusView>("/api/v1/clusters/lab/status");

        Assert.All(view!.Members, m =>
        {
            Assert.True(m.DbSize > 16 * 1024 * 1024, $"{m.Name} dbSize {m.DbSize}");
            Assert.True(m.UtilisationPercent < 20, $"{m.Name} utilisation {m.UtilisationPercent}%");
        });
    }

    [Fact]
    public async Task AStoppedMemberIsARowWithItsErrorAndTheOthersStillAnswer()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.StopMemberAsync(2);
        // m2 may have led: the status names a leader once the other two have elected one (on a loaded machine, not at once).
        await cluster.WaitForLeaderAsync();
        await using var app = new RemediatorApp(RemediatorApp.ForCluster(cluster));

        var view = await app.CreateClient().GetFromJsonAsync<ClusterStatusView>("/api/v1/clusters/lab/status");

        Assert.Equal(3, view!.Members.Count);
        var down = Assert.Single(view.Members, m => m.Error is not null);
        Assert.Equal(cluster.Members[2].ClientUrl, down.Endpoint);
        Assert.Equal("m2", down.Name);
        Assert.Null(down.DbSize);
        Assert.All(view.Members.Where(m => m != down), m => Assert.NotNull(m.DbSize));
        Assert.NotNull(view.Leader);
    }

    [Fact]
    public async Task NoSpaceShowsInTheAlarms()
    {
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { QuotaBackendBytes = 8 * 1024 * 1024 });
        await cluster.FillUntilNoSpaceAsync();
        await using var app = new RemediatorApp(RemediatorApp.ForCluster(cluster));

        var view = await app.CreateClient().GetFromJsonAsync<ClusterStatusView>("/api/v1/clusters/lab/status");

        Assert.Contains(view!.Alarms, a => a.StartsWith("NOSPACE", StringComparison.Ordinal));
        Assert.Contains(view.Members, m => m.Alarms.Contains("NOSPACE"));
    }

    [Fact]
    public async Task AClusterWithNoReachableEndpointStillAnswersWithOneErrorRowPerEndpoint()
    {
        var endpoints = new[] { $"http://127.0.0.1:{FreePorts.Next()}", $"http://127.0.0.1:{FreePorts.Next()}" };
        await using var app = new RemediatorApp(new Dictionary<string, string?>
        {
            ["Remediator:Clusters:0:Name"] = "gone",
            ["Remediator:Clusters:0:Endpoints:0"] = endpoints[0],
            ["Remediator:Clusters:0:Endpoints:1"] = endpoints[1],
        });

        var view = await app.CreateClient().GetFromJsonAsync<ClusterStatusView>("/api/v1/clusters/gone/status");

        Assert.NotNull(view!.Error);
        Assert.Equal(endpoints.Order(StringComparer.Ordinal), view.Members.Select(m => m.Endpoint).Order(StringComparer.Ordinal));
        Assert.All(view.Members, m => Assert.Contains("refused", m.Error));
        Assert.Null(view.Leader);
    }

    [Fact]
    public async Task AFrozenMemberCostsTheStatusCallOneRequestTimeoutAndReadinessNamesIt()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        var settings = RemediatorApp.ForCluster(cluster);
        settings["Remediator:Policy:RequestTimeout"] = "2s";
        await using var app = new RemediatorApp(settings);
        var client = app.CreateClient();
        await client.GetStringAsync("/api/v1/clusters/lab/status"); // channels connected, as in a running service
        // The first configured endpoint hangs (SIGSTOP): the worst case for a call any member can answer.
        cluster.Members[0].Signal("STOP");
        try
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var view = await client.GetFromJsonAsync<ClusterStatusView>("/api/v1/clusters/lab/status");
            var took = watch.Elapsed;
            var ready = await client.GetStringAsync("/readyz");

            var frozen = Assert.Single(view!.Members, m => m.Error is not null);
            Assert.Equal("m0", frozen.Name);
            Assert.Equal("did not answer within 2 s", frozen.Error);
            // Before: three tries of 10 s each, 27.6 s. Now one request timeout (2 s) plus the 1 s hedge, with room.
            Assert.True(took < TimeSpan.FromSeconds(6), $"the status call took {took.TotalSeconds:0.0} s");
            Assert.Contains("unreachable: lab", ready);
            Assert.Contains("2 of 3 members answer; m0 (", ready);
            Assert.Contains("did not answer", ready);
        }
        finally
        {
            cluster.Members[0].Signal("CONT");
        }
    }
}

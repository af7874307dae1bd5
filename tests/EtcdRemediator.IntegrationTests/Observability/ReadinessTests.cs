using EtcdRemediator.IntegrationTests.Talos;

namespace EtcdRemediator.IntegrationTests.Observability;

/// <summary>/readyz is unauthenticated: it must not be a way to hammer etcd, nor to read the cluster's layout.</summary>
public sealed class ReadinessTests
{
    [Fact]
    public async Task TwentyProbesAtOnceCostEtcdOneLookAndAnonymousProbesGetTheStatusOnly()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        // Through the apid stand-in, which counts every call that reaches a node.
        await using var harness = await BackendHarness.StartAsync(Backend.Talos, cluster);
        var settings = harness.Settings();
        settings["Remediator:Auth:OperatorTokens:0"] = "operator-token-0123456789";
        await using var app = new RemediatorApp(settings);
        var anonymous = app.CreateClient();
        var operatorClient = app.CreateClient();
        operatorClient.DefaultRequestHeaders.Authorization = new("Bearer", "operator-token-0123456789");
        await operatorClient.GetStringAsync("/readyz"); // the first look, as a running service has had
        var before = harness.Apid!.Nodes.Calls.Count;

        var probes = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => anonymous.GetAsync("/readyz")));

        Assert.All(probes, p => Assert.True(p.IsSuccessStatusCode));
        Assert.True(harness.Apid.Nodes.Calls.Count - before <= 5, $"{harness.Apid.Nodes.Calls.Count - before} etcd calls for 20 probes");
        using var body = JsonDocument.Parse(await probes[0].Content.ReadAsStringAsync());
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.False(body.RootElement.TryGetProperty("checks", out _), body.RootElement.ToString());
        Assert.Contains("members answer", await operatorClient.GetStringAsync("/readyz"));
    }
}

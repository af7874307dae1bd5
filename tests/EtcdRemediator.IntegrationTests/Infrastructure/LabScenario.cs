namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// The usual setting of a test: a real 3-member cluster named "lab" (fragmented by
/// <c>fragmentMegabytes</c> written and deleted, when given) and the service in process pointed at
/// it, with the test's own settings on top. Disposing stops the service, then the cluster.
/// </summary>
internal sealed class LabScenario : IAsyncDisposable
{
    private LabScenario(EtcdTestCluster cluster, RemediatorApp app)
    {
        Cluster = cluster;
        App = app;
        Client = app.CreateClient();
    }

    public EtcdTestCluster Cluster { get; }
    public RemediatorApp App { get; }
    public HttpClient Client { get; }

    public static async Task<LabScenario> StartAsync(int fragmentMegabytes = 0, Action<Dictionary<string, string?>>? configure = null,
        EtcdTestClusterOptions? clusterOptions = null)
    {
        var cluster = await EtcdTestCluster.StartAsync(clusterOptions);
        try
        {
            if (fragmentMegabytes > 0) await cluster.FragmentAsync(megabytes: fragmentMegabytes);
            var settings = RemediatorApp.ForCluster(cluster);
            configure?.Invoke(settings);
            return new LabScenario(cluster, new RemediatorApp(settings));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        await Cluster.DisposeAsync();
    }
}

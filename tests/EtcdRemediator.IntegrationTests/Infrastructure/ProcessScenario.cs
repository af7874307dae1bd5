namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// The setting of a test that runs the service as a real process (<see cref="ServiceProcess"/>): a real 3-member
/// cluster (fragmented by <c>fragmentMegabytes</c> written and deleted, when given), the service's settings for it
/// under <c>clusterName</c>, and the service's data directory inside the cluster's folder. The test adds its own
/// settings and starts the service when it is ready (again on the same data, after a stop or a kill); a service
/// declared after the scenario is stopped before the cluster, whose disposal removes the data directory with it.
/// A test that needs the service in the test host on data it prepared starts <c>new RemediatorApp(Settings, Data)</c>.
/// </summary>
internal sealed class ProcessScenario : IAsyncDisposable
{
    private ProcessScenario(EtcdTestCluster cluster, string clusterName)
    {
        Cluster = cluster;
        Data = cluster.ScratchDirectory("service");
        Settings = RemediatorApp.ForCluster(cluster, clusterName);
    }

    public EtcdTestCluster Cluster { get; }

    /// <summary>The run database and the snapshots, as a deployment keeps them on a volume.</summary>
    public string Data { get; }

    /// <summary>What the next <see cref="StartServiceAsync"/> starts the service with.</summary>
    public Dictionary<string, string?> Settings { get; }

    public static async Task<ProcessScenario> StartAsync(int fragmentMegabytes = 0, string clusterName = "lab")
    {
        var cluster = await EtcdTestCluster.StartAsync();
        try
        {
            if (fragmentMegabytes > 0) await cluster.FragmentAsync(megabytes: fragmentMegabytes);
            return new ProcessScenario(cluster, clusterName);
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public Task<ManagedProcess> StartServiceAsync() => ServiceProcess.StartAsync(Data, Settings);

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}

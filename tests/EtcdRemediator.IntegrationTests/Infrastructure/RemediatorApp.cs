using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// The real service in process (real Kestrel pipeline via the test server, real gRPC to etcd),
/// configured the way an operator would: keys under Remediator.
/// </summary>
internal sealed class RemediatorApp : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly bool _ownsDataDirectory;

    public RemediatorApp(Dictionary<string, string?> settings, string? dataDirectory = null)
    {
        _ownsDataDirectory = dataDirectory is null;
        DataDirectory = dataDirectory ?? Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "svc-").FullName;
        _settings = new Dictionary<string, string?>
        {
            ["Remediator:Storage:Path"] = Path.Combine(DataDirectory, "remediator.db"),
            ["Remediator:Snapshots:Directory"] = Path.Combine(DataDirectory, "snapshots"),
            ["Remediator:Policy:PauseBetweenMembers"] = "00:00:00",
            ["Remediator:Policy:Cooldown"] = "00:30:00",
        };
        foreach (var (key, value) in settings) _settings[key] = value;
        EtcdUnderTest.AcceptAdvisories(_settings);
    }

    public string DataDirectory { get; }

    /// <summary>Settings naming one cluster called <paramref name="name"/> with the fixture's endpoints.</summary>
    public static Dictionary<string, string?> ForCluster(EtcdTestCluster cluster, string name = "lab", long? quota = null)
    {
        var settings = new Dictionary<string, string?> { ["Remediator:Clusters:0:Name"] = name };
        for (var i = 0; i < cluster.Endpoints.Count; i++)
            settings[$"Remediator:Clusters:0:Endpoints:{i}"] = cluster.Endpoints[i];
        if (quota is { } q) settings["Remediator:Clusters:0:QuotaBackendBytes"] = q.ToString(System.Globalization.CultureInfo.InvariantCulture);
        EtcdUnderTest.AcceptAdvisories(settings); // for a service a test starts itself
        return settings;
    }

    /// <summary>Stops the service, then removes the data directory it made (a given one is the caller's).</summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        await WaitForTheStoreLockAsync();
        if (!_ownsDataDirectory) return;
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (DirectoryNotFoundException) { }
    }

    /// <summary>
    /// The factory's dispose stops the host, but Program's own <c>RunAsync</c> disposes it (and with it the run
    /// store's lock) on the entry point's thread, which may finish after this dispose returns. A test that starts a
    /// second service on the same store (a restart) would then find the store held and the service refusing to
    /// start (exit 3, "The server has not been started"): found once in CI. A restart is a new process in production,
    /// where the kernel drops the lock; here, wait until the lock can be taken.
    /// </summary>
    private async Task WaitForTheStoreLockAsync()
    {
        var path = _settings["Remediator:Storage:Path"];
        if (path is null || !File.Exists(path)) return;
        await Poll.UntilAsync(() =>
        {
            try
            {
                using var free = Storage.StoreLock.Acquire(path);
                return Task.FromResult(true);
            }
            catch (Storage.StoreInUseException)
            {
                return Task.FromResult(false);
            }
        }, TimeSpan.FromSeconds(30), $"the stopped service to release the run store {path}");
    }

    /// <summary>
    /// Settings naming one cluster whose only endpoint is a free loopback port nobody listens on: for
    /// tests of the HTTP surface, where no etcd call may succeed.
    /// </summary>
    public static Dictionary<string, string?> ForUnreachableCluster(string name = "lab") => new()
    {
        ["Remediator:Clusters:0:Name"] = name,
        ["Remediator:Clusters:0:Endpoints:0"] = $"http://127.0.0.1:{FreePorts.Next()}",
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
    }
}

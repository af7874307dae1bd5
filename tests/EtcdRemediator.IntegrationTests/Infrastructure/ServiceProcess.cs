using System.Diagnostics;

namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// The service as a real process (`dotnet EtcdRemediator.dll`), configured by environment variables
/// the way an operator would, so that a test can SIGKILL it and start it again on the same data.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private ServiceProcess(Process process, string url, List<string> output)
    {
        _process = process;
        _output = output;
        Url = url;
        Client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Url { get; }
    public HttpClient Client { get; }
    public string Output { get { lock (_output) return string.Join('\n', _output); } }

    public static async Task<ServiceProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var url = $"http://127.0.0.1:{FreePorts.Next()}";
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "EtcdRemediator.dll"), "--urls", url])
        {
            WorkingDirectory = AppContext.BaseDirectory,
        };
        foreach (var (key, value) in settings) info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        var output = new List<string>();
        var process = ChildProcesses.Start(info, line => { lock (output) output.Add(line); });
        var service = new ServiceProcess(process, url, output);
        try
        {
            // Any HTTP answer (401 included, when tokens are configured) means it is up.
            await Poll.UntilAsync(async () => (int)(await service.Client.GetAsync("/api/v1/clusters")).StatusCode < 500 || process.HasExited,
                TimeSpan.FromSeconds(30), "the service to answer");
            if (process.HasExited) throw new InvalidOperationException($"the service exited: {service.Output}");
            return service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: no graceful shutdown, exactly like an OOM kill or a node loss.</summary>
    public Task KillAsync() => ChildProcesses.KillAsync(_process);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await ChildProcesses.KillAsync(_process);
    }
}

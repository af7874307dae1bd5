namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// A server process a test starts (the service, Prometheus, Alertmanager): its output captured,
/// started only once its readiness URL answers, killed and its directory removed on dispose.
/// </summary>
public sealed class ManagedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output;
    private readonly string? _ownedDirectory;

    private ManagedProcess(Process process, List<string> output, string url, string? ownedDirectory)
    {
        _process = process;
        _output = output;
        _ownedDirectory = ownedDirectory;
        Url = url;
        Client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Url { get; }
    public HttpClient Client { get; }
    public int ProcessId => _process.Id;

    /// <summary>Peak resident memory (VmHWM) of the process so far, in bytes.</summary>
    public long PeakResidentBytes =>
        File.ReadLines($"/proc/{_process.Id}/status").Where(l => l.StartsWith("VmHWM:", StringComparison.Ordinal))
            .Select(l => long.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024)
            .Single();

    public bool HasExited => _process.HasExited;
    public string Output { get { lock (_output) return string.Join('\n', _output); } }

    /// <summary>Starts <paramref name="info"/> and waits until GET <paramref name="readyPath"/> passes <paramref name="ready"/>.</summary>
    public static async Task<ManagedProcess> StartAsync(ProcessStartInfo info, string url, string readyPath, Func<HttpResponseMessage, bool> ready,
        string what, string? ownedDirectory = null)
    {
        var output = new List<string>();
        var process = ChildProcesses.Start(info, line => { lock (output) output.Add(line); });
        var managed = new ManagedProcess(process, output, url, ownedDirectory);
        try
        {
            // A bound, not a pace: ready in 1-3 s here; a 2-core machine under three suites' load took over 30 s once.
            await Poll.UntilAsync(async () => process.HasExited || ready(await managed.Client.GetAsync(readyPath)),
                TimeSpan.FromSeconds(90), $"{what} to be ready");
            if (process.HasExited) throw new InvalidOperationException($"{what} exited: {managed.Output}");
            return managed;
        }
        catch
        {
            await managed.DisposeAsync();
            throw;
        }
    }

    /// <summary>SIGKILL: no graceful shutdown, like an OOM kill or a node loss.</summary>
    public Task KillAsync() => ChildProcesses.KillAsync(_process);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await ChildProcesses.KillAsync(_process);
        if (_ownedDirectory is null) return;
        try { Directory.Delete(_ownedDirectory, recursive: true); }
        catch (IOException) { }
    }
}

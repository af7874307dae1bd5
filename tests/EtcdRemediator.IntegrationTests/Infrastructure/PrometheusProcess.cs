using System.Diagnostics;
using System.Text.Json;

namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>A real Prometheus (Debian's package) on a free loopback port with a generated configuration.</summary>
public sealed class PrometheusProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _dir;
    private readonly List<string> _output;

    private PrometheusProcess(Process process, string dir, List<string> output, string url)
    {
        _process = process;
        _dir = dir;
        _output = output;
        Url = url;
        Client = new HttpClient { BaseAddress = new Uri(url) };
    }

    public string Url { get; }
    public HttpClient Client { get; }
    public string Output { get { lock (_output) return string.Join('\n', _output); } }

    /// <summary><paramref name="files"/>: extra files (rules) written beside the configuration.</summary>
    public static async Task<PrometheusProcess> StartAsync(string config, IReadOnlyDictionary<string, string>? files = null)
    {
        var dir = Directory.CreateTempSubdirectory(Etcd.EtcdTestCluster.TempPrefix + "prom-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "prometheus.yml"), config);
        foreach (var (name, text) in files ?? new Dictionary<string, string>()) await File.WriteAllTextAsync(Path.Combine(dir, name), text);
        var url = $"http://127.0.0.1:{FreePorts.Next()}";
        var info = new ProcessStartInfo("prometheus", [
            $"--config.file={Path.Combine(dir, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(dir, "data")}",
            $"--web.listen-address={new Uri(url).Authority}", "--web.enable-lifecycle"]) { WorkingDirectory = dir };
        var output = new List<string>();
        var process = ChildProcesses.Start(info, line => { lock (output) output.Add(line); });
        var prometheus = new PrometheusProcess(process, dir, output, url);
        try
        {
            await Poll.UntilAsync(async () => process.HasExited || (await prometheus.Client.GetAsync("/-/ready")).IsSuccessStatusCode,
                TimeSpan.FromSeconds(30), "Prometheus to be ready");
            if (process.HasExited) throw new InvalidOperationException("Prometheus exited: " + prometheus.Output);
            return prometheus;
        }
        catch
        {
            await prometheus.DisposeAsync();
            throw;
        }
    }

    /// <summary>The active targets' health by job, from /api/v1/targets.</summary>
    public async Task<Dictionary<string, string>> TargetHealthAsync()
    {
        using var doc = JsonDocument.Parse(await Client.GetStringAsync("/api/v1/targets"));
        return doc.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
            .GroupBy(t => t.GetProperty("labels").GetProperty("job").GetString()!)
            .ToDictionary(g => g.Key, g => string.Join(",", g.Select(t => t.GetProperty("health").GetString())));
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await ChildProcesses.KillAsync(_process);
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}

using System.Diagnostics;
using System.Net.Http.Json;

namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>A real Alertmanager (Debian's prometheus-alertmanager) on a free loopback port, no HA peers.</summary>
public sealed class AlertmanagerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output;
    private readonly string _dir;

    private AlertmanagerProcess(Process process, List<string> output, string dir, string url)
    {
        _process = process;
        _output = output;
        _dir = dir;
        Url = url;
        Client = new HttpClient { BaseAddress = new Uri(url) };
    }

    public string Url { get; }
    public HttpClient Client { get; }
    public string Output { get { lock (_output) return string.Join('\n', _output); } }

    public static async Task<AlertmanagerProcess> StartAsync(string config)
    {
        var dir = Directory.CreateTempSubdirectory(Etcd.EtcdTestCluster.TempPrefix + "am-").FullName;
        var configFile = System.IO.Path.Combine(dir, "alertmanager.yml");
        await File.WriteAllTextAsync(configFile, config);
        var url = $"http://127.0.0.1:{FreePorts.Next()}";
        var info = new ProcessStartInfo(Binary, [
            $"--config.file={configFile}", $"--storage.path={System.IO.Path.Combine(dir, "data")}",
            $"--web.listen-address={new Uri(url).Authority}", "--cluster.listen-address=", "--log.level=debug"]);
        var output = new List<string>();
        var process = ChildProcesses.Start(info, line => { lock (output) output.Add(line); });
        var am = new AlertmanagerProcess(process, output, dir, url);
        try
        {
            await Poll.UntilAsync(async () => process.HasExited || (await am.Client.GetAsync("/-/ready")).IsSuccessStatusCode,
                TimeSpan.FromSeconds(30), "Alertmanager to be ready");
            if (process.HasExited) throw new InvalidOperationException("Alertmanager exited: " + am.Output);
            return am;
        }
        catch
        {
            await am.DisposeAsync();
            throw;
        }
    }

    /// <summary>Debian names the binary prometheus-alertmanager; upstream tarballs call it alertmanager.</summary>
    public static string Binary => File.Exists("/usr/bin/prometheus-alertmanager") ? "/usr/bin/prometheus-alertmanager" : "alertmanager";

    /// <summary>As Prometheus would: POST /api/v2/alerts.</summary>
    public async Task FireAsync(Dictionary<string, string> labels)
    {
        var response = await Client.PostAsJsonAsync("/api/v2/alerts", new[]
        {
            new { labels, annotations = new Dictionary<string, string> { ["summary"] = "test" }, startsAt = DateTimeOffset.UtcNow },
        });
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await ChildProcesses.KillAsync(_process);
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }
}

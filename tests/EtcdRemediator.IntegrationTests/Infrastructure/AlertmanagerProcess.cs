namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>A real Alertmanager (Debian's prometheus-alertmanager) on a free loopback port, no HA peers.</summary>
public static class AlertmanagerProcess
{
    /// <summary>Debian names the binary prometheus-alertmanager; upstream tarballs call it alertmanager.</summary>
    public static string Binary => File.Exists("/usr/bin/prometheus-alertmanager") ? "/usr/bin/prometheus-alertmanager" : "alertmanager";

    public static async Task<ManagedProcess> StartAsync(string config)
    {
        var dir = Directory.CreateTempSubdirectory(Etcd.EtcdTestCluster.TempPrefix + "am-").FullName;
        var configFile = Path.Combine(dir, "alertmanager.yml");
        await File.WriteAllTextAsync(configFile, config);
        var url = $"http://127.0.0.1:{FreePorts.Next()}";
        var info = new ProcessStartInfo(Binary, [
            $"--config.file={configFile}", $"--storage.path={Path.Combine(dir, "data")}",
            $"--web.listen-address={new Uri(url).Authority}", "--cluster.listen-address=", "--log.level=debug"]);
        return await ManagedProcess.StartAsync(info, url, "/-/ready", r => r.IsSuccessStatusCode, "Alertmanager", dir);
    }

    /// <summary>As Prometheus would: POST /api/v2/alerts.</summary>
    public static async Task FireAsync(this ManagedProcess alertmanager, Dictionary<string, string> labels)
    {
        var response = await alertmanager.Client.PostAsJsonAsync("/api/v2/alerts", new[]
        {
            new { labels, annotations = new Dictionary<string, string> { ["summary"] = "test" }, startsAt = DateTimeOffset.UtcNow },
        });
        response.EnsureSuccessStatusCode();
    }
}

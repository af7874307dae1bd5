namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>A real Prometheus (Debian's package) on a free loopback port with a generated configuration.</summary>
public static class PrometheusProcess
{
    /// <summary><paramref name="files"/>: extra files (rules) written beside the configuration.</summary>
    public static async Task<ManagedProcess> StartAsync(string config, IReadOnlyDictionary<string, string>? files = null)
    {
        var dir = Directory.CreateTempSubdirectory(Etcd.EtcdTestCluster.TempPrefix + "prom-").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "prometheus.yml"), config);
        foreach (var (name, text) in files ?? new Dictionary<string, string>()) await File.WriteAllTextAsync(Path.Combine(dir, name), text);
        var url = $"http://127.0.0.1:{FreePorts.Next()}";
        var info = new ProcessStartInfo("prometheus", [
            $"--config.file={Path.Combine(dir, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(dir, "data")}",
            $"--web.listen-address={new Uri(url).Authority}"]) { WorkingDirectory = dir };
        return await ManagedProcess.StartAsync(info, url, "/-/ready", r => r.IsSuccessStatusCode, "Prometheus", dir);
    }

    /// <summary>The active targets' health by job, from /api/v1/targets.</summary>
    public static async Task<Dictionary<string, string>> TargetHealthAsync(this ManagedProcess prometheus)
    {
        using var doc = JsonDocument.Parse(await prometheus.Client.GetStringAsync("/api/v1/targets"));
        return doc.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
            .GroupBy(t => t.GetProperty("labels").GetProperty("job").GetString()!)
            .ToDictionary(g => g.Key, g => string.Join(",", g.Select(t => t.GetProperty("health").GetString())));
    }
}

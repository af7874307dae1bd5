namespace EtcdRemediator.IntegrationTests.EndToEnd;

/// <summary>
/// The shipped configuration files (docker/prometheus, alertmanager.example.yml) with the compose
/// host names replaced by loopback addresses and demo-sized thresholds: the same substitutions as
/// scripts/lib/stack.sh, so the tests exercise what users run.
/// </summary>
public static class ChainConfigs
{
    /// <param name="metricsTokenFile">The file Prometheus reads its bearer token for the service's /metrics from.</param>
    public static string Prometheus(IReadOnlyList<string> etcdEndpoints, string alertmanagerUrl, string serviceUrl, string cluster,
        string metricsTokenFile)
    {
        var text = Read("docker", "prometheus", "prometheus.yml");
        text = Replace(text, "credentials_file: ../secrets/metrics.token", $"credentials_file: {metricsTokenFile}");
        for (var i = 0; i < 3; i++) text = Replace(text, $"etcd-{i + 1}:2379", new Uri(etcdEndpoints[i]).Authority);
        text = Replace(text, "alertmanager:9093", new Uri(alertmanagerUrl).Authority);
        text = Replace(text, "remediator:8080", new Uri(serviceUrl).Authority);
        text = Replace(text, "cluster: local", $"cluster: {cluster}");
        text = Replace(text, "scrape_interval: 15s", "scrape_interval: 1s");
        return Replace(text, "evaluation_interval: 15s", "evaluation_interval: 1s");
    }

    /// <summary>1 MiB in use instead of 100 MiB; seconds instead of minutes.</summary>
    public static string EtcdRules()
    {
        var text = Replace(Read("docker", "prometheus", "etcd-rules.yml"), "> 104857600", "> 1048576");
        return Replace(Replace(text, "for: 10m", "for: 3s"), "for: 1m", "for: 3s");
    }

    public static string RemediatorRules() => Read("docker", "prometheus", "remediator-rules.yml");

    public static string Alertmanager(string serviceUrl, string tokenFile)
    {
        var text = Replace(Read("alertmanager.example.yml"), "http://127.0.0.1:8080/api/v1/alerts", $"{serviceUrl}/api/v1/alerts");
        text = Replace(text, "/etc/alertmanager/etcd-remediator.token", tokenFile);
        return Replace(text, "group_wait: 30s", "group_wait: 1s");
    }

    private static string Read(params string[] path) => File.ReadAllText(RepoFiles.Path(path));

    /// <summary>Fails loudly when the shipped file no longer has what we replace: configs must not drift.</summary>
    private static string Replace(string text, string from, string to) =>
        text.Contains(from, StringComparison.Ordinal)
            ? text.Replace(from, to, StringComparison.Ordinal)
            : throw new InvalidOperationException($"the shipped config no longer contains '{from}'");
}

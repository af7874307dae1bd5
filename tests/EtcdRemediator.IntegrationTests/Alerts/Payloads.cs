namespace EtcdRemediator.IntegrationTests.Alerts;

/// <summary>Webhook bodies shaped exactly as Alertmanager 0.25 sends them (version 4).</summary>
public static class Payloads
{
    public static object Alert(string alertname, string? cluster = "lab", string status = "firing", string? instance = null, Dictionary<string, string>? extra = null)
    {
        var labels = new Dictionary<string, string> { ["alertname"] = alertname, ["job"] = "etcd", ["severity"] = "warning" };
        if (cluster is not null) labels["cluster"] = cluster;
        if (instance is not null) labels["instance"] = instance;
        foreach (var (k, v) in extra ?? []) labels[k] = v;
        return new
        {
            status,
            labels,
            annotations = new Dictionary<string, string> { ["description"] = $"{alertname} on {cluster}" },
            startsAt = "2026-11-24T09:52:26.739266876Z",
            endsAt = status == "firing" ? "0001-01-01T00:00:00Z" : "2026-11-24T10:02:26.739Z",
            generatorURL = "http://127.0.0.1:9090/graph?g0.expr=up",
            fingerprint = Convert.ToHexStringLower(BitConverter.GetBytes((alertname + cluster + instance).GetHashCode())),
        };
    }

    public static string Delivery(params object[] alerts) => JsonSerializer.Serialize(new
    {
        receiver = "etcd-remediator",
        status = "firing",
        alerts,
        groupLabels = new Dictionary<string, string> { ["alertname"] = "etcdDatabaseHighFragmentationRatio" },
        commonLabels = new Dictionary<string, string> { ["job"] = "etcd" },
        commonAnnotations = new Dictionary<string, string>(),
        externalURL = "http://127.0.0.1:9093",
        version = "4",
        groupKey = "{}/{alertname=~\"etcd.*\"}:{alertname=\"etcdDatabaseHighFragmentationRatio\", cluster=\"lab\"}",
        truncatedAlerts = 0,
    });
}

using System.Globalization;

namespace EtcdRemediator.Etcd;

/// <summary>The one value we read from etcd's Prometheus text: its backend quota.</summary>
internal static class EtcdMetrics
{
    private const string QuotaMetric = "etcd_server_quota_backend_bytes";

    /// <summary>The gauge's value, or null when the text has none (written as a float, e.g. 1.6777216e+07).</summary>
    public static long? QuotaBackendBytes(string text)
    {
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (!line.StartsWith(QuotaMetric) || line.Length <= QuotaMetric.Length || line[QuotaMetric.Length] is not (' ' or '{')) continue;
            var value = line[(line.LastIndexOf(' ') + 1)..];
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var bytes) && bytes > 0) return (long)bytes;
        }
        return null;
    }
}

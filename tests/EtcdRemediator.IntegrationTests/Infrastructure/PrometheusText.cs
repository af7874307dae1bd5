using System.Globalization;

namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>Reads samples out of a Prometheus text exposition, by name and label matches.</summary>
public static class PrometheusText
{
    public static double Value(string exposition, string name, params string[] labelMatches) =>
        exposition.Split('\n')
            .Where(l => l.StartsWith(name + "{", StringComparison.Ordinal) || l.StartsWith(name + " ", StringComparison.Ordinal))
            .Where(l => labelMatches.All(m => l.Contains(m, StringComparison.Ordinal)))
            .Select(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture))
            .DefaultIfEmpty(0)
            .Sum();
}

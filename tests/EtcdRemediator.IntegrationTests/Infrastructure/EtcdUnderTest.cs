using System.Text.RegularExpressions;
using EtcdRemediator.Advisories;

namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// The etcd release the suite runs against (<c>$ETCD_BIN</c>, else <c>etcd</c> on PATH), and the
/// advisories (<see cref="AdvisoryTable"/>) the suite's configuration accepts for it.
/// </summary>
public static partial class EtcdUnderTest
{
    /// <summary>
    /// Debian bookworm's etcd 3.4.23 (the 3.4 pass) is covered by two advisories: defrag-error-panic
    /// (fixed in 3.4.35) and defrag-apply-snapshot-race (fixed in 3.4.38). Nearly every test defragments,
    /// on loopback clusters whose data is thrown away afterwards, so for 3.4.23 the configuration
    /// accepts exactly these two, by name. 3.5.30 (the 3.5 pass) is covered by none and accepts nothing.
    /// Another release (a developer's own etcd) accepts what the table says covers it, so the suite runs.
    /// </summary>
    private static readonly Dictionary<string, string[]> AcceptedByRelease = new(StringComparer.Ordinal)
    {
        ["3.4.23"] = ["defrag-error-panic", "defrag-apply-snapshot-race"],
        ["3.5.30"] = [],
    };

    private static readonly Lazy<string> ReleaseOnce = new(ReadRelease);

    /// <summary>"3.4.23", as <c>etcd --version</c> says.</summary>
    public static string Release => ReleaseOnce.Value;

    /// <summary>A 3.4 release (end of life): no Talos release ships one, and it lacks flags 3.5 added.</summary>
    public static bool Is34 => Release.StartsWith("3.4.", StringComparison.Ordinal);

    public static IReadOnlyList<string> AcceptedAdvisories =>
        AcceptedByRelease.TryGetValue(Release, out var ids) ? ids : [.. AdvisoryTable.Affecting(Release).Select(a => a.Id)];

    /// <summary>
    /// Adds the accepted advisories to every cluster the settings configure, unless the test says
    /// for a cluster what it accepts: a key <c>Remediator:Clusters:N:AcceptedAdvisories</c> (even with a
    /// null value, which configures nothing) leaves that cluster to the test.
    /// </summary>
    public static void AcceptAdvisories(IDictionary<string, string?> settings)
    {
        var clusters = settings.Keys.Select(k => ClusterKey().Match(k)).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct().ToList();
        foreach (var index in clusters)
        {
            var prefix = $"Remediator:Clusters:{index}:AcceptedAdvisories";
            if (settings.Keys.Any(k => k.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))) continue;
            for (var i = 0; i < AcceptedAdvisories.Count; i++) settings[$"{prefix}:{i}"] = AcceptedAdvisories[i];
        }
    }

    [GeneratedRegex(@"^Remediator:Clusters:(\d+):", RegexOptions.IgnoreCase)]
    private static partial Regex ClusterKey();

    [GeneratedRegex(@"etcd Version: (\S+)")]
    private static partial Regex VersionLine();

    private static string ReadRelease()
    {
        var binary = Environment.GetEnvironmentVariable("ETCD_BIN") is { Length: > 0 } bin ? bin : "etcd";
        using var process = Process.Start(new ProcessStartInfo(binary, "--version") { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return VersionLine().Match(output) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"{binary} --version said: {output}");
    }
}

using EtcdRemediator.Configuration;

namespace EtcdRemediator.Advisories;

/// <summary>An advisory covering a member, as the status API and page show it.</summary>
/// <param name="Accepted">The cluster's configuration accepts it: unforced runs defragment the member anyway.</param>
internal sealed record MemberAdvisoryView(string Id, string FixedIn, bool Accepted, string Summary, string Source);

internal static class MemberAdvisories
{
    /// <summary>The advisory ids the configuration accepts for <paramref name="cluster"/>.</summary>
    public static IReadOnlyList<string> AcceptedFor(this RemediatorOptions options, string cluster) =>
        options.Clusters.FirstOrDefault(c => c.Name.Equals(cluster, StringComparison.OrdinalIgnoreCase))?.AcceptedAdvisories ?? [];

    public static IReadOnlyList<MemberAdvisoryView> Of(string? version, IReadOnlyCollection<string> accepted) =>
        EtcdVersion.TryParse(version, out var v)
            ? [.. AdvisoryTable.Affecting(version).Select(a =>
                new MemberAdvisoryView(a.Id, a.FixedFor(v)!, accepted.Contains(a.Id, StringComparer.OrdinalIgnoreCase), a.Summary, a.Sources[0]))]
            : [];
}

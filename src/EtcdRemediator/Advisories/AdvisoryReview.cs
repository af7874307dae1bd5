using System.Text.Json.Serialization;
using EtcdRemediator.Etcd;

namespace EtcdRemediator.Advisories;

[JsonConverter(typeof(JsonStringEnumConverter<AdvisoryDisposition>))]
internal enum AdvisoryDisposition
{
    /// <summary>The cluster's configuration accepts it (<c>Clusters:N:AcceptedAdvisories</c>).</summary>
    Accepted,
    /// <summary>Not accepted, but the run was forced: it goes ahead, with this as its warning.</summary>
    Forced,
    /// <summary>Not accepted and not forced: the run defragments nothing.</summary>
    Refused,
}

/// <summary>One planned member on a release an advisory covers, and what the run made of it.</summary>
internal sealed record AdvisoryFinding(
    string Member, string MemberId, string Version, string Advisory, string FixedIn, AdvisoryDisposition Disposition, string Summary);

/// <summary>What the advisories say about one plan: the findings, and why the run may not go ahead, if it may not.</summary>
internal sealed record AdvisoryVerdict(IReadOnlyList<AdvisoryFinding> Findings, string? Refusal)
{
    public static readonly AdvisoryVerdict None = new([], null);

    /// <summary>For the plan step: one phrase per finding.</summary>
    public string Describe() => string.Join("; ", Findings.Select(f =>
        $"{f.Member} runs etcd {f.Version}: advisory {f.Advisory} (fixed in {f.FixedIn}) {f.Disposition switch
        {
            AdvisoryDisposition.Accepted => "accepted by the configuration",
            AdvisoryDisposition.Forced => "not accepted; the run is forced, so it goes ahead",
            _ => "not accepted",
        }}"));
}

/// <summary>
/// Pure: the members a run would defragment, read against <see cref="AdvisoryTable"/>. A member not
/// in the plan is not at risk from this run (it is not defragmented), so only planned members count.
/// </summary>
internal static class AdvisoryReview
{
    public static AdvisoryVerdict Of(
        ClusterState state, IEnumerable<string> plannedHexIds, IReadOnlyCollection<string> accepted, bool force, string acceptKey)
    {
        var findings = new List<AdvisoryFinding>();
        foreach (var id in plannedHexIds)
        {
            if (state.Members.FirstOrDefault(m => m.Member.HexId == id) is not { Status: { } status } member
                || !EtcdVersion.TryParse(status.Version, out var version)) continue;
            foreach (var advisory in AdvisoryTable.Affecting(status.Version))
            {
                var disposition = accepted.Contains(advisory.Id, StringComparer.OrdinalIgnoreCase) ? AdvisoryDisposition.Accepted
                    : force ? AdvisoryDisposition.Forced : AdvisoryDisposition.Refused;
                findings.Add(new AdvisoryFinding(member.Member.Name, id, version.ToString(), advisory.Id, advisory.FixedFor(version)!,
                    disposition, advisory.Summary));
            }
        }
        var refused = findings.Where(f => f.Disposition == AdvisoryDisposition.Refused).ToList();
        if (refused.Count == 0) return new AdvisoryVerdict(findings, null);
        var ids = refused.Select(f => f.Advisory).Distinct().ToList();
        var what = string.Join("; ", refused.GroupBy(f => f.Advisory).Select(g =>
            $"{string.Join(", ", g.Select(f => $"{f.Member} (etcd {f.Version})"))} {(g.Count() == 1 ? "is" : "are")} affected by advisory {g.Key}, " +
            $"fixed in {string.Join(" / ", g.Select(f => f.FixedIn).Distinct())}: {g.First().Summary}"));
        return new AdvisoryVerdict(findings,
            $"nothing was defragmented: {what}. Upgrade etcd, or accept the risk for this cluster with " +
            $"{acceptKey} = {string.Join(", ", ids)}, or send \"force\": true");
    }
}

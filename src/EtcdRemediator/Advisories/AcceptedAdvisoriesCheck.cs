using EtcdRemediator.Configuration;

namespace EtcdRemediator.Advisories;

/// <summary>Start-up check of <c>Clusters:N:AcceptedAdvisories</c>: an id we do not know accepts nothing, and a typo must
/// not look like consent.</summary>
internal static class AcceptedAdvisoriesCheck
{
    public static IEnumerable<string> Errors(ClusterOptions cluster, string clusterKey)
    {
        for (var i = 0; i < cluster.AcceptedAdvisories.Count; i++)
            if (AdvisoryTable.Find(cluster.AcceptedAdvisories[i]) is null)
                yield return $"{clusterKey}:AcceptedAdvisories:{i}: '{cluster.AcceptedAdvisories[i]}' is not a known advisory; " +
                    $"known: {string.Join(", ", AdvisoryTable.All.Select(a => a.Id))}.";
    }
}

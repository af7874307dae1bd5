namespace EtcdRemediator.Etcd;

/// <summary>An answer came from another etcd cluster than the one configured under this name.</summary>
internal sealed class ClusterIdentityException(string message) : Exception(message);

/// <summary>
/// Every etcd answer's header names the cluster that gave it. All of a configured cluster's
/// endpoints must answer as one cluster, and every answer acted on must come from it: endpoints
/// of two clusters under one name once had the service defragment and snapshot the other cluster.
/// </summary>
internal static class ClusterIdentity
{
    /// <summary>Throws unless every endpoint that answered is a member of the cluster whose member list was read.</summary>
    /// <param name="listedAs">The cluster id in the member list's header.</param>
    /// <param name="answers">Each configured endpoint that answered: its cluster id and member id.</param>
    public static void VerifyEndpoints(string cluster, ulong listedAs, IReadOnlyList<(string Endpoint, ulong ClusterId, ulong MemberId)> answers,
        IReadOnlySet<ulong> members)
    {
        if (answers.Any(a => a.ClusterId != listedAs))
        {
            var byCluster = answers.GroupBy(a => a.ClusterId)
                .Select(g => $"cluster {MemberId.ToHex(g.Key)}: {string.Join(", ", g.Select(a => a.Endpoint))}");
            throw new ClusterIdentityException(
                $"the endpoints configured for '{cluster}' belong to more than one etcd cluster " +
                $"({string.Join("; ", byCluster)}); nothing is done to any. " +
                "Give each cluster its own entry under Clusters");
        }
        if (answers.FirstOrDefault(a => !members.Contains(a.MemberId)) is { Endpoint: not null } stranger)
            throw new ClusterIdentityException(
                $"{stranger.Endpoint} answers as member {MemberId.ToHex(stranger.MemberId)}, which is not in the member list of cluster " +
                $"{MemberId.ToHex(listedAs)}");
    }

    /// <summary>Throws unless an answer about <paramref name="member"/> came from <paramref name="expected"/> (0: not known).</summary>
    public static void Verify(EtcdMember member, ulong expected, ulong answered)
    {
        if (expected != 0 && answered != 0 && answered != expected)
            throw new ClusterIdentityException(
                $"{member.Address.Value} answered as a member of cluster {MemberId.ToHex(answered)}, not of cluster {MemberId.ToHex(expected)}");
    }
}

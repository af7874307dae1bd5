using System.Collections.Immutable;
using EtcdRemediator.Configuration;
using EtcdRemediator.Remediation.Policy;

namespace EtcdRemediator.Remediation.Coordination;

/// <summary>One cluster as the coordinator sees it: a value, replaced whole by each decision.</summary>
/// <param name="Active">The cluster's queued, deferred or running real run: at most one (one run per cluster).</param>
/// <param name="FollowUp">The stronger trigger that joined the running run: it runs next, as itself (its own force).</param>
/// <param name="History">What the breaker and the cooldown judge, replayed from the run store at start-up.</param>
internal sealed record ClusterRuns(RunRecord? Active, RunRequest? FollowUp, RunHistory History)
{
    public static readonly ClusterRuns Idle = new(null, null, RunHistory.None);

    /// <summary>What the API, the gauges and the status page show of it at <paramref name="now"/>.</summary>
    public ClusterRunState Describe(PolicyOptions policy, DateTimeOffset now)
    {
        var until = ClockBound.Until(History.LastRemediationAt, policy.Cooldown, now);
        return new ClusterRunState(Active?.Id, Active?.Status == RunStatus.Running ? Active.StartedAt : null, History.LastSuccessAt,
            History.ConsecutiveFailures, until > now ? until : null, History.ConsecutiveFailures >= policy.CircuitBreakerThreshold,
            Active?.Status == RunStatus.Deferred ? Active.NotBefore : null);
    }
}

/// <summary>
/// Everything the coordinator decides from: every cluster's runs, and the dry runs (they belong to no
/// cluster's single flight: they only read). Immutable; only <see cref="CoordinatorMachine"/> makes the next one.
/// </summary>
internal sealed record CoordinatorState(ImmutableDictionary<string, ClusterRuns> Clusters, ImmutableDictionary<string, RunRecord> DryRuns)
{
    public static readonly CoordinatorState Empty = new(
        ImmutableDictionary.Create<string, ClusterRuns>(StringComparer.OrdinalIgnoreCase), ImmutableDictionary<string, RunRecord>.Empty);

    public ClusterRuns Of(string cluster) => Clusters.GetValueOrDefault(cluster) ?? ClusterRuns.Idle;

    public CoordinatorState With(string cluster, ClusterRuns runs) => this with { Clusters = Clusters.SetItem(cluster, runs) };

    /// <summary>Dry runs queued and not yet begun: each will read every member of its cluster.</summary>
    public int DryRunsWaiting => DryRuns.Values.Count(r => r.Status == RunStatus.Queued);

    /// <summary>A run this state holds (a cluster's active run, or a dry run), by id.</summary>
    public RunRecord? Live(string id) =>
        DryRuns.GetValueOrDefault(id) ?? Clusters.Values.Select(c => c.Active).FirstOrDefault(a => a?.Id == id);

    /// <summary>This state with <paramref name="run"/>'s new value (a live run keeps its place).</summary>
    public CoordinatorState WithRun(RunRecord run) =>
        run.DryRun ? this with { DryRuns = DryRuns.SetItem(run.Id, run) } : With(run.Cluster, Of(run.Cluster) with { Active = run });
}

namespace EtcdRemediator.Remediation;

/// <summary>A trigger, from an alert or an operator. <c>Force</c> skips cooldown and breaker, never the gate.</summary>
/// <param name="NoSpace">The cluster has a NOSPACE alarm raised (it refuses writes now): a recover then never waits for a window.</param>
/// <param name="MustStartBy">Later is too late (a forecast's quota date): it does not wait for a window that opens after it.</param>
internal sealed record RunRequest(string Cluster, RemediationAction Action, bool DryRun, bool Force, RunTrigger Trigger,
    bool IgnoreThresholds = false, bool NoSpace = false, DateTimeOffset? MustStartBy = null);

internal enum Disposition
{
    Started,
    /// <summary>A dry run was recorded and plans: it changes nothing, so it is not said to have "started" a remediation.</summary>
    DryRun,
    Joined,
    Cooldown,
    CircuitOpen,
    /// <summary>Recorded, and starts when the cluster's next maintenance window opens.</summary>
    Deferred,
    /// <summary>Not recorded: too many dry runs are waiting already (they read every member).</summary>
    Busy,
    /// <summary>Not recorded: an automatic trigger, and the cluster's last runs were refused for one reason
    /// (<see cref="Policy.RefusalStreak"/>).</summary>
    Backoff,
}

internal sealed record SubmitResult(Disposition Disposition, RunRecord? Run, string? Reason = null, DateTimeOffset? RetryAfter = null);

/// <summary>What the coordinator knows of one cluster, derived from the run store.</summary>
internal sealed record ClusterRunState(string? ActiveRunId, DateTimeOffset? RunningSince, DateTimeOffset? LastSuccessAt, int ConsecutiveFailures,
    DateTimeOffset? CooldownUntil, bool CircuitOpen, DateTimeOffset? DeferredUntil = null);

internal static class Dispositions
{
    /// <summary>What only an alert can get: it started nothing, and no run was asked for.</summary>
    public const string Resolved = "resolved", Ignored = "ignored", UnknownCluster = "unknown-cluster";

    /// <summary>As answers and the alert audit spell it: started, dry-run, joined, deferred, cooldown, circuit-open, busy, backoff.</summary>
    public static string ToName(this Disposition disposition) => WireName.Of(disposition);

    /// <summary>Every disposition the API answers (a trigger's, an alert's), as it spells them: docs/http-api.md lists these.</summary>
    public static IReadOnlyList<string> AllNames { get; } =
        [.. Enum.GetValues<Disposition>().Select(ToName), Resolved, Ignored, UnknownCluster];
}

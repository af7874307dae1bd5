namespace EtcdRemediator.Remediation;

/// <summary>A trigger, from an alert or an operator. <c>Force</c> skips cooldown and breaker, never the gate.</summary>
public sealed record RunRequest(string Cluster, RemediationAction Action, bool DryRun, bool Force, RunTrigger Trigger, bool IgnoreThresholds = false);

public enum Disposition
{
    Started,
    Joined,
    Cooldown,
    CircuitOpen,
    /// <summary>Recorded, and starts when the cluster's next maintenance window opens.</summary>
    Deferred,
}

public sealed record SubmitResult(Disposition Disposition, RunRecord? Run, string? Reason = null, DateTimeOffset? RetryAfter = null);

/// <summary>What the coordinator knows of one cluster, derived from the run store.</summary>
public sealed record ClusterRunState(string? ActiveRunId, DateTimeOffset? RunningSince, DateTimeOffset? LastSuccessAt, int ConsecutiveFailures, DateTimeOffset? CooldownUntil, bool CircuitOpen,
    DateTimeOffset? DeferredUntil = null);

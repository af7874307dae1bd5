using EtcdRemediator.Configuration;

namespace EtcdRemediator.Remediation;

/// <summary>A cluster's recent history, as the breaker and the cooldown see it.</summary>
public sealed record RunHistory(DateTimeOffset? LastSuccessAt, int ConsecutiveFailures);

/// <summary>Why a trigger starts nothing: the breaker is open, or the cluster is in its cooldown.</summary>
public sealed record Refusal(Disposition Disposition, string Reason, DateTimeOffset? RetryAfter = null);

/// <summary>
/// Pure: whether a trigger may start a run, given the cluster's history. Dry runs and forced runs
/// always may. Otherwise an open breaker stops it; and the cooldown after a success holds back a
/// defrag or recover (repeated rewrites), and an alert's snapshot (each may be the size of the
/// database), but not an operator's snapshot or any disarm. A follow-up's trigger arrived while the
/// run it joined was running: that run's cooldown does not hold it back (the breaker does).
/// </summary>
public static class AdmissionRule
{
    public static Refusal? Check(RunRequest request, string cluster, RunHistory history, PolicyOptions policy, DateTimeOffset now)
    {
        if (request.DryRun || request.Force) return null;
        if (history.ConsecutiveFailures >= policy.CircuitBreakerThreshold)
            return new Refusal(Disposition.CircuitOpen,
                $"{history.ConsecutiveFailures} consecutive runs of '{cluster}' failed; automatic runs stop until a forced run succeeds");
        var cooled = request.Action is RemediationAction.Defrag or RemediationAction.Recover
                     || (request.Action == RemediationAction.Snapshot && request.Trigger.Kind == RemediationCoordinator.AlertTriggerKind);
        if (cooled && request.Trigger.Kind != RemediationCoordinator.FollowUpKind
            && history.LastSuccessAt + policy.Cooldown is { } until && until > now)
            return new Refusal(Disposition.Cooldown, $"'{cluster}' was remediated successfully at {history.LastSuccessAt:O}; cooldown until {until:O}", until);
        return null;
    }
}

/// <summary>
/// Pure: which trigger runs after a running run, when triggers joined it. Only one stronger than the
/// running action counts; of several, the strongest, and of equals the forced one: it then runs as
/// itself (its own force), not with the force of the run it followed.
/// </summary>
public static class FollowUpRule
{
    public static RunRequest? Choose(RunRequest? current, RunRequest joining, RemediationAction running)
    {
        if (joining.Action <= running) return current;
        if (current is null || joining.Action > current.Action) return joining;
        return joining.Action == current.Action && joining.Force && !current.Force ? joining : current;
    }
}

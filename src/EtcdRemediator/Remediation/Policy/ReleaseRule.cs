using EtcdRemediator.Calendar;

namespace EtcdRemediator.Remediation.Policy;

/// <summary>What becomes of a deferred run when the scheduler looks.</summary>
internal enum Release
{
    /// <summary>Its window is not open yet: it keeps waiting, its promised start unchanged.</summary>
    Wait,
    /// <summary>A window is open: it is queued.</summary>
    Now,
    /// <summary>Its promised start passed while no window was open (the service was down through it): it waits for the next opening.</summary>
    AtNextOpening,
}

/// <summary>
/// Pure: when a deferred run leaves its wait. Only while a window of its cluster is open, or when a
/// trigger joins it that would not wait itself (<see cref="ByJoin"/>): a recover under NOSPACE, a forced
/// run, a deadline before the next window. Who asked counts only for the action it asked for itself.
/// </summary>
internal static class ReleaseRule
{
    public static Release AtTick(RunRecord deferred, WindowState window, DateTimeOffset now) =>
        window.Open ? Release.Now
        : deferred.NotBefore <= now && window.NextOpensAt is not null ? Release.AtNextOpening
        : Release.Wait;

    /// <param name="action">What the run will do once joined (the stronger of its own and the joiner's).</param>
    public static bool ByJoin(RunRecord deferred, RunRequest joiner, RemediationAction action, WindowState window)
    {
        if (deferred.Status != RunStatus.Deferred) return false;
        // An operator's unforced defrag joining a deferred recover from an alert asks as that alert would: it does not release it.
        var asking = joiner with { Action = action, Trigger = joiner.Action == action ? joiner.Trigger : deferred.Trigger };
        return !DeferralRule.Defers(asking, window);
    }
}

/// <summary>A waiting run after a join: its new value, and whether the join raised its action or released it.</summary>
internal sealed record WaitingJoin(RunRecord Run, bool Raised, bool Released)
{
    /// <summary>It changed what the run will do: written, where a plain join needs no write.</summary>
    public bool Changed => Raised || Released;
}

/// <summary>
/// Pure: a trigger joining a run of its cluster. What the run already is decides; a waiting (queued or
/// deferred) run takes the stronger action, with the force of whoever asked for it, never more.
/// </summary>
internal static class JoinRule
{
    public static WaitingJoin JoinWaiting(RunRecord current, RunRequest joiner, WindowState window)
    {
        var raised = joiner.Action.IsStrongerThan(current.Action);
        var action = raised ? joiner.Action : current.Action;
        var released = ReleaseRule.ByJoin(current, joiner, action, window);
        var effect = released ? $"released the deferred run{(raised ? $" as {action.ToName()}" : "")}"
            : raised ? $"raised the action to {action.ToName()}" : null;
        var joined = current.Joined(joiner.Trigger with { Force = joiner.Force, Effect = effect }) with
        {
            Action = action,
            Status = released ? RunStatus.Queued : current.Status,
            NotBefore = released ? null : current.NotBefore, // a released run waits for nothing
            Force = raised ? joiner.Force : current.Force,
        };
        return new WaitingJoin(joined, raised, released);
    }

    /// <summary>A running run only counts the join; the executor writes it with its next step.</summary>
    public static RunRecord JoinRunning(RunRecord current, RunRequest joiner) => current.Joined(joiner.Trigger with { Force = joiner.Force });

    /// <summary>An option the joiner asked for and the run lacks is said, not dropped silently.</summary>
    public static string? Dropped(RunRecord current, RunRequest joiner) =>
        joiner.IgnoreThresholds && !current.IgnoreThresholds
            ? $"joined run {current.Id}, which keeps the thresholds: ignoreThresholds applies only to a run of its own; " +
              $"ask again once this one has ended"
            : null;
}

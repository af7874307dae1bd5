using EtcdRemediator.Calendar;

namespace EtcdRemediator.Remediation.Policy;

/// <summary>
/// Pure: whether a request waits for the cluster's maintenance window. A defrag waits (it rewrites
/// every member's file and stalls each in turn), and so does a recover while no NOSPACE alarm is
/// raised (a "quota low space" alert: the cluster still takes writes, and the recover would be a
/// defrag outside the window); a recover under NOSPACE never waits (the cluster refuses writes now),
/// nor does an operator's recover (a person asked for the emergency routine), a snapshot or a disarm
/// (no disruption), a dry run (it only reads), a forced run (a person decided), or a run that must
/// start before the next window opens (a forecast whose quota date comes first).
/// </summary>
internal static class DeferralRule
{
    public static bool Defers(RunRequest request, WindowState window) =>
        !window.Open
        && window.NextOpensAt is not null
        && !request.DryRun
        && !request.Force
        && !(request.MustStartBy is { } by && window.NextOpensAt > by)
        && (request.Action.Of().Window == WindowRule.Always || MayWait(request));

    /// <summary>An action that waits unless NOSPACE is raised (a recover), not answering NOSPACE, asked for by no person.</summary>
    public static bool MayWait(RunRequest request) =>
        request.Action.Of().Window == WindowRule.UnlessNoSpace && !request.NoSpace && !request.Trigger.Kind.Of().ByPerson;

    /// <summary>Why a deferred run waits, in the words every answer about it uses.</summary>
    public static string Explain(RunRecord run) =>
        $"outside the maintenance window of '{run.Cluster}': it starts when the next window opens at {run.NotBefore:O}";
}

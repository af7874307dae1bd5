using EtcdRemediator.Calendar;

namespace EtcdRemediator.Remediation;

/// <summary>
/// Pure: whether a request waits for the cluster's maintenance window. Only a defrag waits (it
/// rewrites every member's file and stalls each in turn); a recover never does (NOSPACE: the cluster
/// refuses writes now), nor a snapshot or a disarm (no disruption), nor a dry run (it only reads),
/// nor a forced run (a person decided). Alerts, schedules, the watch and unforced manual defrags wait.
/// </summary>
public static class DeferralRule
{
    public static bool Defers(RunRequest request, WindowState window) =>
        !window.Open
        && window.NextOpensAt is not null
        && request.Action == RemediationAction.Defrag
        && !request.DryRun
        && !request.Force;

    /// <summary>Why a deferred run waits, in the words every answer about it uses.</summary>
    public static string Explain(RunRecord run) =>
        $"outside the maintenance window of '{run.Cluster}': it starts when the next window opens at {run.NotBefore:O}";
}

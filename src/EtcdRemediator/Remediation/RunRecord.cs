using System.Text.Json.Serialization;
using EtcdRemediator.Advisories;
using EtcdRemediator.Remediation.Coordination;
using EtcdRemediator.Remediation.Execution;
using EtcdRemediator.Snapshots;

namespace EtcdRemediator.Remediation;

[JsonConverter(typeof(JsonStringEnumConverter<RunStatus>))]
internal enum RunStatus
{
    Queued,
    Running,
    Succeeded,
    Failed,
    /// <summary>The safety gate said no: nothing was touched.</summary>
    Refused,
    NothingToDo,
    /// <summary>A dry run: inspected and planned, nothing touched.</summary>
    DryRun,
    /// <summary>The process died while the run was running; what it had done is in its steps.</summary>
    Interrupted,
    /// <summary>Waiting for the cluster's next maintenance window (<see cref="RunRecord.NotBefore"/>); then Queued.</summary>
    Deferred,
}

[JsonConverter(typeof(JsonStringEnumConverter<StepOutcome>))]
internal enum StepOutcome
{
    Succeeded,
    Failed,
    Skipped,
    /// <summary>The run ended while the step was under way (the process stopped): what it did is not known.</summary>
    Interrupted,
}

/// <summary>Who or what asked: its kind, and the caller, the alert names, the schedule or the reading.</summary>
/// <param name="Force">Asked with force (a joined trigger's own; the run's is <see cref="RunRecord.Force"/>).</param>
/// <param name="Times">How many identical joins this entry stands for.</param>
/// <param name="Effect">What a joined trigger changed: "released the deferred run", "raised the action to recover".</param>
internal sealed record RunTrigger(TriggerKind Kind, string Source, bool Force = false, int Times = 1, string? Effect = null)
{
    /// <summary>Worth keeping whatever the count: a person asked, or it changed the run, or it was forced.</summary>
    [JsonIgnore]
    public bool Notable => Kind.Of().ByPerson || Force || Effect is not null;
}

/// <param name="ChosenBy">What put the member in the plan, and the numbers the defrag rule saw.</param>
internal sealed record PlannedMember(string Id, string Name, string Endpoint, bool IsLeader, long DbSize, long DbSizeInUse, double FragmentationRatio,
    RuleChoice? ChosenBy = null);

/// <summary>
/// Why a member is planned: <c>by</c> is "defragRule" (the rule was true), "ignoreThresholds" (asked for every member) or
/// "noSpaceAlarm" (recover under NOSPACE takes every member); <c>rule</c> and <c>source</c> name the cluster's rule either way.
/// </summary>
internal sealed record RuleChoice(string By, string Rule, string Source, DefragRules.RuleValues Values)
{
    public const string DefragRule = "defragRule";
    public const string IgnoreThresholds = "ignoreThresholds";
    public const string NoSpaceAlarm = "noSpaceAlarm";

    /// <summary>What chose the member, in words: the rule only where the rule chose (a rule that chose nothing is no reason).</summary>
    public string Explain() => By switch
    {
        NoSpaceAlarm => "chosen by the NOSPACE alarm: a recover under NOSPACE rewrites every voting member, whatever the defrag rule says",
        IgnoreThresholds => "chosen by \"ignoreThresholds\": true: every voting member, whatever the defrag rule says",
        _ => $"chosen by the defrag rule {Source} = '{Rule}'",
    };
}

/// <summary>One step as recorded: immutable; <see cref="StepDraft"/> is the step while it runs.</summary>
internal sealed record StepRecord
{
    public required string Name { get; init; }
    public string? Member { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public StepOutcome Outcome { get; init; } = StepOutcome.Succeeded;
    public long? BytesBefore { get; init; }
    public long? BytesAfter { get; init; }
    public string? Detail { get; init; }
    public double? DurationSeconds => FinishedAt is { } end ? Math.Round((end - StartedAt).TotalSeconds, 3) : null;
}

/// <summary>
/// One remediation, as stored and as served by GET /api/v1/remediations/{id}: a value. Every change
/// makes a new one (through the run's <see cref="RunHandle"/>), so a saved or served run never
/// changes under the code that serializes it.
/// </summary>
/// <remarks>A list a run stored by an older version lacks reads as empty: the generated reader (RunJson) sets every
/// init-only property, a missing one to null, so each list's setter turns null into its empty default.</remarks>
internal sealed record RunRecord
{
    public required string Id { get; init; }
    public required string Cluster { get; init; }
    public required RemediationAction Action { get; init; }
    public bool DryRun { get; init; }
    public bool Force { get; init; }
    /// <summary>Every voting member is defragmented, whatever its fragmentation (asked for by name).</summary>
    public bool IgnoreThresholds { get; init; }
    public required RunTrigger Trigger { get; init; }
    /// <summary>
    /// The triggers that joined this run: identical ones merged into one entry with a count; the first
    /// <see cref="MaxJoinedKept"/> distinct ones, and beyond that every manual, forced or run-changing one.
    /// </summary>
    public IReadOnlyList<RunTrigger> JoinedTriggers { get; init => field = value ?? []; } = [];

    /// <summary>How many triggers joined in all: an alert storm can bring thousands.</summary>
    public int JoinedCount { get; init; }

    public const int MaxJoinedKept = 20;
    public RunStatus Status { get; init; } = RunStatus.Queued;
    public string? Reason { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>A deferred run starts at this time (the next window's opening) or when a window is open.</summary>
    public DateTimeOffset? NotBefore { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public IReadOnlyList<PlannedMember> Plan { get; init => field = value ?? []; } = [];
    /// <summary>Planned members on etcd releases with a known defrag defect, and whether each was accepted, forced or refused.</summary>
    public IReadOnlyList<AdvisoryFinding> Advisories { get; init => field = value ?? []; } = [];
    public IReadOnlyList<StepRecord> Steps { get; init => field = value ?? []; } = [];
    public SnapshotRecord? Snapshot { get; init; }
    public long ReclaimedBytes { get; init; }
    /// <summary>
    /// Members over the defrag rule when the run ended that it never defragmented (skipped on a
    /// reading that lagged): a success starts no cooldown for them, so the next trigger reaches them.
    /// </summary>
    public IReadOnlyList<string> LeftFragmented { get; init => field = value ?? []; } = [];

    [JsonIgnore]
    public bool IsActive => Status is RunStatus.Queued or RunStatus.Running or RunStatus.Deferred;

    /// <summary>Queued or running: it will end soon, unlike a deferred run that waits for its window.</summary>
    [JsonIgnore]
    public bool IsUnderway => Status is RunStatus.Queued or RunStatus.Running;


    /// <summary>This run with one trigger more joined: counted always, merged with its twin, kept when distinct and there
    /// is room or it is notable.</summary>
    public RunRecord Joined(RunTrigger trigger)
    {
        var twin = JoinedTriggers.Select((t, i) => (t, i)).FirstOrDefault(x => x.t with { Times = 1 } == trigger with { Times = 1 });
        IReadOnlyList<RunTrigger> kept = twin.t is not null
            ? [.. JoinedTriggers.Select((t, i) => i == twin.i ? t with { Times = t.Times + 1 } : t)]
            : JoinedTriggers.Count < MaxJoinedKept || trigger.Notable ? [.. JoinedTriggers, trigger] : JoinedTriggers;
        return this with { JoinedCount = JoinedCount + 1, JoinedTriggers = kept };
    }

    /// <summary>This run ended.</summary>
    /// <remarks>A step still open when the run ends never reads as succeeded: it ends with the run, interrupted or failed.</remarks>
    public RunRecord Ended(RunStatus status, string? reason, DateTimeOffset at) => this with
    {
        Status = status,
        Reason = reason,
        FinishedAt = at,
        Steps = Steps.Any(s => s.FinishedAt is null)
            ? [.. Steps.Select(s => s.FinishedAt is null
                ? s with { FinishedAt = at, Outcome = status == RunStatus.Interrupted ? StepOutcome.Interrupted : StepOutcome.Failed }
                : s)]
            : Steps,
    };
}

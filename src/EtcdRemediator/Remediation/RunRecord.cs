using System.Text.Json.Serialization;
using EtcdRemediator.Snapshots;

namespace EtcdRemediator.Remediation;

[JsonConverter(typeof(JsonStringEnumConverter<RunStatus>))]
public enum RunStatus
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
public enum StepOutcome
{
    Succeeded,
    Failed,
    Skipped,
}

/// <summary>Who or what asked: "manual" (with the caller) or "alert" (with the alert names).</summary>
public sealed record RunTrigger(string Kind, string Source);

public sealed record PlannedMember(string Id, string Name, string Endpoint, bool IsLeader, long DbSize, long DbSizeInUse, double FragmentationRatio);

public sealed record StepRecord
{
    public required string Name { get; init; }
    public string? Member { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; set; }
    public StepOutcome Outcome { get; set; } = StepOutcome.Succeeded;
    public long? BytesBefore { get; set; }
    public long? BytesAfter { get; set; }
    public string? Detail { get; set; }
    public double? DurationSeconds => FinishedAt is { } end ? Math.Round((end - StartedAt).TotalSeconds, 3) : null;
}

/// <summary>
/// One remediation, as stored and as served by GET /api/v1/remediations/{id}. Only the executor
/// running it writes to it (the coordinator only before it starts), and every change is persisted.
/// </summary>
public sealed class RunRecord
{
    public required string Id { get; init; }
    public required string Cluster { get; init; }
    public required string Action { get; set; }
    public bool DryRun { get; init; }
    public bool Force { get; init; }
    /// <summary>Every voting member is defragmented, whatever its fragmentation (asked for by name).</summary>
    public bool IgnoreThresholds { get; init; }
    public required RunTrigger Trigger { get; init; }
    /// <summary>The first triggers that joined this run (at most <see cref="MaxJoinedKept"/>), replaced, never
    /// changed in place, so the executor can serialize the run while a trigger joins.</summary>
    public IReadOnlyList<RunTrigger> JoinedTriggers { get; set; } = [];

    /// <summary>How many triggers joined in all: an alert storm can bring thousands.</summary>
    public int JoinedCount { get; set; }

    public const int MaxJoinedKept = 20;
    public RunStatus Status { get; set; } = RunStatus.Queued;
    public string? Reason { get; set; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>A deferred run starts at this time (the next window's opening) or when a window is open.</summary>
    public DateTimeOffset? NotBefore { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public List<PlannedMember> Plan { get; set; } = [];
    public List<StepRecord> Steps { get; init; } = [];
    public SnapshotRecord? Snapshot { get; set; }
    public long ReclaimedBytes { get; set; }

    [JsonIgnore]
    public bool IsActive => Status is RunStatus.Queued or RunStatus.Running or RunStatus.Deferred;

    /// <summary>Queued or running: it will end soon, unlike a deferred run that waits for its window.</summary>
    [JsonIgnore]
    public bool IsUnderway => Status is RunStatus.Queued or RunStatus.Running;

    [JsonIgnore]
    public RemediationAction ActionKind => RemediationActions.TryParse(Action, out var a) ? a : RemediationAction.Snapshot;
}

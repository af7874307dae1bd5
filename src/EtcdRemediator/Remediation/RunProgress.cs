using EtcdRemediator.Advisories;
using EtcdRemediator.Snapshots;

namespace EtcdRemediator.Remediation;

/// <summary>
/// What the executor reports of a run it carries out, one typed event per kind of news: the run's
/// owner applies each, in order, to the run as it holds it (joins included). None touches the joins.
/// </summary>
internal abstract record RunProgress
{
    public abstract RunRecord ApplyTo(RunRecord run);
}

/// <summary>A step began: appended, with no end yet.</summary>
internal sealed record StepStarted(StepRecord Step) : RunProgress
{
    public override RunRecord ApplyTo(RunRecord run) => run with { Steps = [.. run.Steps, Step] };
}

/// <summary>A step ended, or a later step added to it (a defragment's size once the member caught up): the step at
/// <paramref name="Index"/> as it is now.</summary>
internal sealed record StepUpdated(int Index, StepRecord Step) : RunProgress
{
    public override RunRecord ApplyTo(RunRecord run) => run with { Steps = [.. run.Steps.Take(Index), Step, .. run.Steps.Skip(Index + 1)] };
}

/// <summary>
/// The run does another action than it was asked for (a defrag under an active NOSPACE alarm runs the recover
/// routine): the record, and the joins the coordinator judges against it, see what it really does.
/// </summary>
internal sealed record ActsAs(RemediationAction Action) : RunProgress
{
    public override RunRecord ApplyTo(RunRecord run) => run with { Action = Action };
}

internal sealed record MembersPlanned(IReadOnlyList<PlannedMember> Plan) : RunProgress
{
    public override RunRecord ApplyTo(RunRecord run) => run with { Plan = Plan };
}

internal sealed record AdvisoriesFound(IReadOnlyList<AdvisoryFinding> Findings) : RunProgress
{
    public override RunRecord ApplyTo(RunRecord run) => run with { Advisories = Findings };
}

/// <summary>The run's snapshot was taken and verified, or checked again (still the verified file, at <c>CheckedAt</c>).</summary>
internal sealed record SnapshotTaken(SnapshotRecord Snapshot) : RunProgress
{
    public override RunRecord ApplyTo(RunRecord run) => run with { Snapshot = Snapshot };
}

/// <summary>The bytes the run's defragment steps gave back, summed from those steps.</summary>
internal sealed record ReclaimCounted : RunProgress
{
    public override RunRecord ApplyTo(RunRecord run) => run with
    {
        ReclaimedBytes = run.Steps.Where(s => s.Name == "defragment" && s is { BytesBefore: not null, BytesAfter: not null })
            .Sum(s => Math.Max(0, s.BytesBefore!.Value - s.BytesAfter!.Value)),
    };
}

/// <summary>Members still over the defrag rule that the run never defragmented.</summary>
internal sealed record LeftFragmented(IReadOnlyList<string> Members) : RunProgress
{
    public override RunRecord ApplyTo(RunRecord run) => run with { LeftFragmented = Members };
}

/// <summary>The run ended; a run that had ended already keeps its first end time.</summary>
internal sealed record RunFinished(RunStatus Status, string? Reason, DateTimeOffset At) : RunProgress
{
    public override RunRecord ApplyTo(RunRecord run) => run.Ended(Status, Reason, run.FinishedAt ?? At);
}

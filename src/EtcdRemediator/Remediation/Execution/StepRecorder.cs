using System.Diagnostics;
using EtcdRemediator.Etcd;
using EtcdRemediator.Remediation.Coordination;

namespace EtcdRemediator.Remediation.Execution;

/// <summary>A step failed; the run stops and says why. Members not yet done are left alone.</summary>
internal sealed class RunFailedException(string reason, Exception? inner = null) : Exception(reason, inner);

/// <summary>A step while it runs: what its code found out, recorded as a <see cref="StepRecord"/> when it ends.</summary>
internal sealed class StepDraft(string name, string? member, DateTimeOffset startedAt)
{
    public StepOutcome Outcome { get; set; } = StepOutcome.Succeeded;
    public long? BytesBefore { get; set; }
    public long? BytesAfter { get; set; }
    public string? Detail { get; set; }

    public StepRecord ToRecord(DateTimeOffset? finishedAt) => new()
    {
        Name = name,
        Member = member,
        StartedAt = startedAt,
        FinishedAt = finishedAt,
        Outcome = Outcome,
        BytesBefore = BytesBefore,
        BytesAfter = BytesAfter,
        Detail = Detail,
    };
}

/// <summary>Which recorded step: what a later step may add to (a defragment's size once the member has caught up).</summary>
internal readonly record struct StepRef(int Index);

/// <summary>
/// Appends a step to the run and saves the run when the step starts and when it ends, so GET shows
/// a run's progress live and a run interrupted by a crash shows how far it got.
/// </summary>
internal sealed class StepRecorder(RunHandle run, TimeProvider time, ActivitySource spans)
{
    public RunRecord Run => run.Current;

    public async Task<(T Result, StepRef Step)> RunStepAsync<T>(string name, string? member, Func<StepDraft, Task<T>> body,
        CancellationToken cancellationToken)
    {
        using var activity = spans.StartActivity(member is null ? name : $"{name} {member}");
        activity?.SetTag("remediation.step", name);
        activity?.SetTag("etcd.member.name", member);
        var step = new StepDraft(name, member, time.GetUtcNow());
        var index = (await run.SaveAsync(new StepStarted(step.ToRecord(null)))).Steps.Count - 1; // written even as the service stops
        try
        {
            var result = await body(step);
            if (step.Outcome == StepOutcome.Failed) activity?.SetStatus(ActivityStatusCode.Error, step.Detail);
            return (result, new StepRef(index));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            step.Outcome = StepOutcome.Failed;
            step.Detail ??= EtcdErrors.Describe(e);
            activity?.SetStatus(ActivityStatusCode.Error, step.Detail);
            activity?.AddException(e);
            throw e as RunFailedException ?? new RunFailedException($"{name}{(member is null ? "" : $" of {member}")} failed: {step.Detail}", e);
        }
        finally
        {
            activity?.SetTag("etcd.db_size.before", step.BytesBefore);
            activity?.SetTag("etcd.db_size.after", step.BytesAfter);
            activity?.SetTag("remediation.step.detail", step.Detail);
            var ended = step.ToRecord(time.GetUtcNow());
            await run.SaveAsync(new StepUpdated(index, ended));
        }
    }

    public async Task<T> RunAsync<T>(string name, string? member, Func<StepDraft, Task<T>> body, CancellationToken cancellationToken) =>
        (await RunStepAsync(name, member, body, cancellationToken)).Result;

    public async Task<StepRef> RunAsync(string name, string? member, Func<StepDraft, Task> body, CancellationToken cancellationToken) =>
        (await RunStepAsync<bool>(name, member, async step =>
        {
            await body(step);
            return true;
        }, cancellationToken)).Step;

    /// <summary>Adds what a later step learnt to an ended step (saved with the next save).</summary>
    public StepRecord Amend(StepRef step, Func<StepRecord, StepRecord> change) =>
        run.Report(new StepUpdated(step.Index, change(run.Current.Steps[step.Index]))).Steps[step.Index];

    /// <summary>What the run learnt (plan, snapshot, outcome); saved with the next save.</summary>
    public RunRecord Report(RunProgress progress) => run.Report(progress);

    public Task SaveAsync() => run.SaveAsync();
}

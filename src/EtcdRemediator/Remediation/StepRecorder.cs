using System.Diagnostics;
using EtcdRemediator.Etcd;
using EtcdRemediator.Storage;

namespace EtcdRemediator.Remediation;

/// <summary>A step failed; the run stops and says why. Members not yet done are left alone.</summary>
public sealed class RunFailedException(string reason, Exception? inner = null) : Exception(reason, inner);

/// <summary>
/// Appends a step to the run, persists it when it starts and when it ends, so GET shows a run's
/// progress live and a run interrupted by a crash shows how far it got.
/// </summary>
public sealed class StepRecorder(RunRecord run, RunStore store, TimeProvider time, ActivitySource spans)
{
    public RunRecord Run => run;

    public DateTimeOffset Now => time.GetUtcNow();

    public async Task<T> RunAsync<T>(string name, string? member, Func<StepRecord, Task<T>> body, CancellationToken cancellationToken)
    {
        using var activity = spans.StartActivity(member is null ? name : $"{name} {member}");
        activity?.SetTag("remediation.step", name);
        activity?.SetTag("etcd.member.name", member);
        var step = new StepRecord { Name = name, Member = member, StartedAt = time.GetUtcNow() };
        run.Steps.Add(step);
        await store.SaveAsync(run, CancellationToken.None);
        try
        {
            var result = await body(step);
            if (step.Outcome == StepOutcome.Failed) activity?.SetStatus(ActivityStatusCode.Error, step.Detail);
            return result;
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
            step.FinishedAt = time.GetUtcNow();
            activity?.SetTag("etcd.db_size.before", step.BytesBefore);
            activity?.SetTag("etcd.db_size.after", step.BytesAfter);
            activity?.SetTag("remediation.step.detail", step.Detail);
            await store.SaveAsync(run, CancellationToken.None);
        }
    }

    public Task RunAsync(string name, string? member, Func<StepRecord, Task> body, CancellationToken cancellationToken) =>
        RunAsync<bool>(name, member, async step =>
        {
            await body(step);
            return true;
        }, cancellationToken);

    public Task SaveAsync() => store.SaveAsync(run, CancellationToken.None);
}

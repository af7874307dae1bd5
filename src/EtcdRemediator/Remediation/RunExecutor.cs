using EtcdRemediator.Configuration;
using System.Diagnostics;
using EtcdRemediator.Etcd;
using EtcdRemediator.Observability;
using EtcdRemediator.Snapshots;
using EtcdRemediator.Storage;
using Grpc.Core;
using Microsoft.Extensions.Options;
using Polly.Registry;

namespace EtcdRemediator.Remediation;

/// <summary>
/// The pipeline of DESIGN section 4, as plain code in its safety order: inspect, gate and plan,
/// verified snapshot, compact, members one at a time, disarm, verify. A dry run stops after the plan.
/// </summary>
public sealed class RunExecutor(
    EtcdClusterRegistry clusters,
    ClusterInspector inspector,
    SnapshotStore snapshots,
    RunStore store,
    IOptions<RemediatorOptions> options,
    ResiliencePipelineProvider<string> pipelines,
    TimeProvider time,
    RemediatorTelemetry telemetry,
    ILogger<RunExecutor> logger)
{
    private PolicyOptions Policy => options.Value.Policy;

    public async Task ExecuteAsync(RunRecord run, CancellationToken cancellationToken)
    {
        using var span = RemediatorTelemetry.Source.StartActivity("remediation run", ActivityKind.Internal);
        span?.SetTag("etcd.cluster", run.Cluster);
        span?.SetTag("remediation.action", run.Action);
        span?.SetTag("remediation.run_id", run.Id);
        span?.SetTag("remediation.dry_run", run.DryRun);
        span?.SetTag("remediation.trigger", $"{run.Trigger.Kind}: {run.Trigger.Source}");
        var steps = new StepRecorder(run, store, time);
        try
        {
            var cluster = clusters.Find(run.Cluster) ?? throw new RunFailedException($"cluster '{run.Cluster}' is no longer configured");
            var (status, reason) = await RunStepsAsync(cluster, steps, cancellationToken);
            Finish(run, status, reason);
        }
        catch (RunFailedException e)
        {
            Finish(run, RunStatus.Failed, e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Finish(run, RunStatus.Interrupted, "the service stopped while the run was in progress");
        }
        await steps.SaveAsync();
        span?.SetTag("remediation.outcome", run.Status.ToString());
        span?.SetTag("remediation.reclaimed_bytes", run.ReclaimedBytes);
        if (run.Status is RunStatus.Failed or RunStatus.Interrupted) span?.SetStatus(ActivityStatusCode.Error, run.Reason);
        telemetry.Runs.Add(1, new("cluster", run.Cluster), new("action", run.Action), new("outcome", run.Status.ToString().ToLowerInvariant()));
        logger.LogInformation("Run {RunId} for {Cluster} ({Action}) ended {Status}: {Reason}", run.Id, run.Cluster, run.Action, run.Status, run.Reason);
    }

    private async Task<(RunStatus, string?)> RunStepsAsync(IEtcdCluster cluster, StepRecorder steps, CancellationToken ct)
    {
        var run = steps.Run;
        var action = run.ActionKind;
        var state = await steps.RunAsync("inspect", null, async step =>
        {
            var s = await inspector.InspectAsync(cluster, ct);
            step.Detail = Summarize(s);
            return s;
        }, ct);

        var plan = await steps.RunAsync("plan", null, step =>
        {
            var p = Planner.Plan(state, action, Policy);
            step.Outcome = p.Verdict == PlanVerdict.Refused ? StepOutcome.Failed : StepOutcome.Succeeded;
            step.Detail = p.Verdict == PlanVerdict.Proceed && p.Members.Count > 0
                ? $"defragment in order: {string.Join(", ", p.Members.Select(m => m.IsLeader ? $"{m.Name} (leader)" : m.Name))}"
                : p.Reason ?? p.Verdict.ToString();
            return Task.FromResult(p);
        }, ct);
        run.Plan = [.. plan.Members];

        if (plan.Verdict == PlanVerdict.Refused) return (RunStatus.Refused, plan.Reason);
        if (run.DryRun) return (RunStatus.DryRun, plan.Members.Count == 0 ? plan.Reason ?? "nothing to defragment" : null);
        var noSpace = state.HasAlarm(AlarmKind.NoSpace);
        if (plan.Verdict == PlanVerdict.NothingToDo && !noSpace) return (RunStatus.NothingToDo, plan.Reason);

        if (action == RemediationAction.Snapshot || plan.Members.Count > 0)
            await SnapshotAsync(cluster, steps, state, ct);
        if (action == RemediationAction.Snapshot) return (RunStatus.Succeeded, null);

        if (plan.Members.Count > 0 && ShouldCompact(action))
            await steps.RunAsync("compact", null, async step =>
            {
                if (!cluster.HasKeyValueAccess)
                {
                    step.Outcome = StepOutcome.Skipped;
                    step.Detail = "the Talos API offers no compaction; the Kubernetes API server compacts every few minutes";
                    return;
                }
                var revision = await cluster.GetRevisionAsync(ct);
                try
                {
                    await cluster.CompactAsync(revision, physical: true, Policy.DefragTimeout, ct);
                    step.Detail = $"compacted to revision {revision}";
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.OutOfRange)
                {
                    step.Detail = $"already compacted at revision {revision}";
                }
            }, ct);

        if (plan.Members.Count > 0)
        {
            using var members = RemediatorTelemetry.Source.StartActivity("defragment members");
            var defragmenter = new MemberDefragmenter(inspector, pipelines.GetPipeline(ClusterInspector.ReadPipeline), Policy, time, telemetry);
            for (var i = 0; i < plan.Members.Count; i++)
                await defragmenter.DefragmentAsync(cluster, steps, plan.Members[i], last: i == plan.Members.Count - 1, ct);
        }

        var after = await steps.RunAsync("verify", null, async step =>
        {
            var s = await inspector.InspectAsync(cluster, ct);
            run.ReclaimedBytes = run.Steps.Where(x => x.Name == "defragment" && x.BytesAfter is not null)
                .Sum(x => Math.Max(0, x.BytesBefore!.Value - x.BytesAfter!.Value));
            step.Detail = $"reclaimed {run.ReclaimedBytes} bytes; {Summarize(s)}";
            return s;
        }, ct);

        if (after.HasAlarm(AlarmKind.NoSpace))
            await DisarmAsync(cluster, steps, after, ct);
        return (RunStatus.Succeeded, null);
    }

    private bool ShouldCompact(RemediationAction action) => Policy.Compact switch
    {
        CompactMode.Always => true,
        CompactMode.OnNoSpace => action == RemediationAction.Recover,
        _ => false,
    };

    /// <summary>From the reachable voting follower furthest ahead: spares the leader, and is current.</summary>
    private async Task SnapshotAsync(IEtcdCluster cluster, StepRecorder steps, ClusterState state, CancellationToken ct)
    {
        var source = state.Voting.Where(m => m.Reachable)
            .OrderBy(m => m.Member.Id == state.AgreedLeader)
            .ThenByDescending(m => m.Status!.RaftAppliedIndex)
            .FirstOrDefault() ?? throw new RunFailedException("no member answers, so no snapshot can be taken");
        try
        {
            await steps.RunAsync("snapshot", source.Member.Name, async step =>
            {
                var snapshot = await snapshots.SaveAsync(cluster, source.Member, source.Status!.DbSize, ct);
                steps.Run.Snapshot = snapshot;
                telemetry.SnapshotBytes.Record(snapshot.Bytes, new KeyValuePair<string, object?>("cluster", cluster.Name));
                step.BytesAfter = snapshot.Bytes;
                step.Detail = $"{snapshot.Path} (revision {snapshot.Revision}, sha256 {snapshot.Sha256[..12]}…, verified)";
            }, ct);
        }
        catch (RunFailedException) when (!options.Value.Snapshots.Required)
        {
            logger.LogWarning("Snapshot failed for run {RunId}; continuing because Snapshots:Required is false", steps.Run.Id);
        }
    }

    /// <summary>Disarm NOSPACE only once every member is comfortably below the quota; else say why not.</summary>
    private async Task DisarmAsync(IEtcdCluster cluster, StepRecorder steps, ClusterState state, CancellationToken ct)
    {
        var configured = options.Value.Clusters.First(c => c.Name.Equals(cluster.Name, StringComparison.OrdinalIgnoreCase)).QuotaBackendBytes;
        var reported = state.Members.Select(m => m.Status?.DbSizeQuota ?? 0).Where(q => q > 0).DefaultIfEmpty(0).Min();
        var quota = reported > 0 ? reported : configured;
        var limit = (long)(quota * Policy.DisarmBelowQuotaRatio);
        await steps.RunAsync("disarm", null, async step =>
        {
            var over = state.Members.Where(m => m.Status is null || m.Status.DbSize >= limit).ToList();
            if (over.Count > 0)
                throw new RunFailedException(
                    $"NOSPACE stays armed: {string.Join(", ", over.Select(m => m.Status is null ? $"{m.Member.Name} unreachable" : $"{m.Member.Name} dbSize {m.Status.DbSize}"))} " +
                    $"not below {Policy.DisarmBelowQuotaRatio:P0} of the {quota}-byte quota; the data itself exceeds the quota: delete data or raise --quota-backend-bytes");
            var alarms = state.Alarms.Where(a => a.Kind == AlarmKind.NoSpace).ToList();
            foreach (var alarm in alarms) await cluster.DisarmAsync(alarm, ct);
            step.Detail = $"disarmed NOSPACE on {string.Join(", ", alarms.Select(a => MemberId.ToHex(a.MemberId)))}; every member below {limit} bytes";
        }, ct);
    }

    private void Finish(RunRecord run, RunStatus status, string? reason)
    {
        run.Status = status;
        run.Reason = reason;
        run.FinishedAt = time.GetUtcNow();
    }

    private static string Summarize(ClusterState s) =>
        string.Join("; ", s.Members.Select(m => m.Status is { } st
            ? $"{m.Member.Name}{(m.Member.Id == s.AgreedLeader ? "*" : "")} {st.DbSize}/{st.DbSizeInUse}"
            : $"{m.Member.Name} down ({m.Error})"))
        + (s.Alarms.Count > 0 ? $"; alarms {string.Join(", ", s.Alarms.Select(a => $"{a.Name}@{MemberId.ToHex(a.MemberId)}"))}" : "");
}

using System.Diagnostics;
using EtcdRemediator.Advisories;
using EtcdRemediator.Clusters;
using EtcdRemediator.Configuration;
using EtcdRemediator.DefragRules;
using EtcdRemediator.Etcd;
using EtcdRemediator.Etcd.Credentials;
using EtcdRemediator.Observability;
using EtcdRemediator.Remediation.Coordination;
using EtcdRemediator.Remediation.Policy;
using EtcdRemediator.Snapshots;
using EtcdRemediator.Snapshots.Offsite;
using Microsoft.Extensions.Options;
using Polly.Registry;

namespace EtcdRemediator.Remediation.Execution;

/// <summary>
/// The remediation routine (docs/architecture.md, "What a run does"), as plain code in its safety order: inspect, gate and plan,
/// verified snapshot, compact, members one at a time, disarm, verify. A dry run stops after the plan.
/// </summary>
internal sealed class RunExecutor(
    EtcdClusterRegistry clusters,
    ClusterClaims claims,
    ClusterInspector inspector,
    SnapshotStore snapshots,
    QuotaReader quotas,
    DefragRuleBook rules,
    IOptions<RemediatorOptions> options,
    ResiliencePipelineProvider<string> pipelines,
    TimeProvider time,
    RemediatorTelemetry telemetry,
    OffsiteUploader offsite,
    ILogger<RunExecutor> logger)
{
    private PolicyOptions Policy => options.Value.Policy;

    public async Task ExecuteAsync(RunHandle handle, CancellationToken cancellationToken)
    {
        var run = handle.Current; // who, what and why do not change while it runs
        using var span = telemetry.Source.StartActivity("remediation run", ActivityKind.Internal);
        span?.SetTag("etcd.cluster", run.Cluster);
        span?.SetTag("remediation.action", run.Action.ToName());
        span?.SetTag("remediation.run_id", run.Id);
        span?.SetTag("remediation.dry_run", run.DryRun);
        span?.SetTag("remediation.trigger", $"{run.Trigger.Kind.ToName()}: {run.Trigger.Source}");
        var steps = new StepRecorder(handle, time, telemetry.Source);
        logger.LogInformation("Run {RunId} for {Cluster} ({Action}{DryRun}) started by {TriggerKind}: {TriggerSource}",
            run.Id, run.Cluster, run.Action.ToName(), run.DryRun ? ", dry run" : "", run.Trigger.Kind.ToName(), run.Trigger.Source);
        try
        {
            var cluster = clusters.Find(run.Cluster) ?? throw new RunFailedException($"cluster '{run.Cluster}' is no longer configured");
            if (cluster.CredentialProblem() is { } credentials) throw credentials;
            var offsiteCopy = new OffsiteStep(offsite, cluster, steps, logger);
            RunStatus status;
            string? reason;
            try
            {
                (status, reason) = await RunStepsAsync(cluster, steps, offsiteCopy, cancellationToken);
            }
            finally
            {
                await offsiteCopy.RecordAsync(cancellationToken); // a copy started beside the run ends as a step of it
            }
            run = Finish(steps, status, reason);
        }
        catch (Exception e) when (e is CredentialException || e.InnerException is CredentialException)
        {
            // Our credentials, not the cluster: refused (the breaker counts the cluster's failures only).
            var problem = e as CredentialException ?? (CredentialException)e.InnerException!;
            run = Finish(steps, RunStatus.Refused, $"the service's credentials for this cluster cannot be used: {problem.Message}");
        }
        catch (RunFailedException e)
        {
            run = Finish(steps, RunStatus.Failed, e.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            run = Finish(steps, RunStatus.Interrupted, "the service stopped while the run was in progress");
        }
        // Counted before the final save: whoever sees the run finished also sees it in the metrics.
        span?.SetTag("remediation.outcome", run.Status.ToString());
        span?.SetTag("remediation.reclaimed_bytes", run.ReclaimedBytes);
        if (run.Status is RunStatus.Failed or RunStatus.Interrupted) span?.SetStatus(ActivityStatusCode.Error, run.Reason);
        telemetry.Runs.Add(1, new("cluster", run.Cluster), new("action", run.Action.ToName()),
            new("outcome", WireName.Of(run.Status)));
        await steps.SaveAsync();
        if (run.Reason is null)
            logger.LogInformation("Run {RunId} for {Cluster} ({Action}) ended {Status}; reclaimed {ReclaimedBytes} bytes",
                run.Id, run.Cluster, run.Action.ToName(), run.Status, run.ReclaimedBytes);
        else
            logger.LogInformation("Run {RunId} for {Cluster} ({Action}) ended {Status}: {Reason}",
                run.Id, run.Cluster, run.Action.ToName(), run.Status, run.Reason);
    }

    private async Task<(RunStatus, string?)> RunStepsAsync(IEtcdCluster cluster, StepRecorder steps, OffsiteStep offsiteCopy, CancellationToken ct)
    {
        var run = steps.Run;
        var action = run.Action;
        var state = await steps.RunAsync("inspect", null, async step =>
        {
            var s = await inspector.InspectAsync(cluster, ct);
            step.Detail = Summarize(s);
            return s;
        }, ct);

        // No two runs ever touch one etcd cluster, whatever the configuration: the first name to read it keeps it.
        if (claims.Claim(cluster.Name, cluster.ClusterId, state.Members.Select(m => m.Member.Id)) is { } twoNames)
            return (RunStatus.Refused, twoNames);
        if (cluster.ClusterId is { } clusterId && snapshots.OtherClusterIn(cluster.Name, clusterId) is { } otherCluster)
            return (RunStatus.Refused, otherCluster);

        // NOSPACE is the reason to act: a defrag asked for while the alarm is active (a quota-low alert that came
        // late, the watch) runs the recover routine, the only one that gives writes back; and says so.
        if (action.Of().Rewrites && !action.Of().Recovers && state.HasAlarm(AlarmKind.NoSpace)) action = RemediationAction.Recover;
        var actsAs = "";
        if (action != run.Action)
        {
            actsAs = $"a NOSPACE alarm is active: {run.Action.ToName()} acts as {action.ToName()}; ";
            steps.Report(new ActsAs(action));
        }
        var rule = rules.For(run.Cluster);
        // Only a rule that names the quota costs a read of it (3.4 and 3.5 publish it on their metrics only).
        var ruleQuota = rule.UsesQuota && action.Of().Rewrites ? await ReadQuotaAsync(cluster, state, ct) : null;
        var (plan, planStep) = await steps.RunStepAsync("plan", null, step =>
        {
            var p = Planner.Plan(state, action, Policy, run.IgnoreThresholds, rule, ruleQuota);
            step.Outcome = p.Verdict == PlanVerdict.Refused ? StepOutcome.Failed : StepOutcome.Succeeded;
            // A recover asked for without the alarm (a quota-low alert, a person) is a defrag: planned by the rule, no compaction.
            var asDefrag = action.Of().Recovers && !state.HasAlarm(AlarmKind.NoSpace) && p.Verdict != PlanVerdict.Refused
                ? "no NOSPACE alarm is active: recover acts as a defrag (the defrag rule chooses, nothing is compacted); " : "";
            step.Detail = actsAs + asDefrag + (p.Verdict == PlanVerdict.Proceed && p.Members.Count > 0
                ? $"defragment in order: {string.Join(", ", p.Members.Select(m => m.IsLeader ? $"{m.Name} (leader)" : m.Name))} " +
                  $"({p.Members[0].ChosenBy!.Explain()})" +
                  (p.RuleErrors is [_, ..] errors ? $"; the rule could not judge {string.Join("; ", errors)}" : "")
                : p.Reason ?? p.Verdict.ToString());
            return Task.FromResult(p);
        }, ct);
        steps.Report(new MembersPlanned(plan.Members));
        var advisories = await ReviewAdvisoriesAsync(steps, planStep, state, plan, ct);

        if (plan.Verdict == PlanVerdict.Refused) return (RunStatus.Refused, plan.Reason);
        if (run.DryRun) return (RunStatus.DryRun, advisories.Refusal is { } wouldRefuse ? $"an unforced run would be refused: {wouldRefuse}"
            : plan.Members.Count == 0 ? plan.Reason ?? "nothing to defragment" : null);
        if (advisories.Refusal is { } refusal) return (RunStatus.Refused, refusal);
        var noSpace = state.HasAlarm(AlarmKind.NoSpace);
        if (plan.Verdict == PlanVerdict.NothingToDo && !noSpace) return (RunStatus.NothingToDo, plan.Reason);

        var routine = RoutineRule.Of(action, plan.Members.Count, noSpace, Policy.Compact, cluster.KeyValue is not null);
        var quota = routine.ReadsQuota ? await ReadQuotaAsync(cluster, state, ct) : null;
        if (routine.Snapshot) await SnapshotAsync(cluster, steps, state, offsiteCopy, ct);
        if (!routine.Verifies) return (RunStatus.Succeeded, null);
        if (routine.Compaction != Compaction.None) await CompactAsync(cluster, steps, routine.Compaction, ct);

        // Defragmentation gives back free pages, never data in use: when that alone is over the disarm
        // limit, the routine would end with NOSPACE still armed. Judged from a fresh reading, after
        // compaction ("in use" before it still holds old revisions). A reading over the limit may still be
        // stale: a member counts the pages a compaction freed only once a later write transaction begins
        // on it, which NOSPACE refuses (seen on etcd 3.4 when a reader held the old read transaction). So
        // the data is then measured for real: the first member is defragmented (its file then holds only
        // live data) and judged from the reading after it; only then may the run stop.
        var compacted = routine.Compaction == Compaction.Compact ? " and compacted" : "";
        var measure = quota is not null && plan.Members.Count > 0
            && DataInUseTooLarge(await inspector.InspectAsync(cluster, ct), quota, "") is not null ? quota : null;

        if (plan.Members.Count > 0) await DefragmentMembersAsync(cluster, steps, plan.Members, measure, $"snapshot taken{compacted}", ct);
        await CheckSnapshotAsync(steps, "at the end of the run", ct);

        var after = await steps.RunAsync("verify", null, async step =>
        {
            var s = await inspector.InspectAsync(cluster, ct);
            var reclaimed = steps.Report(new ReclaimCounted()).ReclaimedBytes;
            step.Detail = $"reclaimed {ByteSize.Exact(reclaimed)}; {Summarize(s)}";
            // A member still over the rule after a run (its reading stale, or skipped as not fragmented
            // on a stale reading) is said here, where on-call people look, not left for the next alert.
            var still = s.Voting.Where(m => m.Status is { } st && Planner.Judge(rule, st, ruleQuota ?? quota).Chosen)
                .Select(m => m.Member.Name).ToList();
            if (still.Count > 0)
            {
                step.Detail += $"; still over the defrag rule: {string.Join(", ", still)} " +
                    $"(a reading can lag until the member's next write; look again before defragmenting it)";
                logger.LogWarning("Run {RunId} for {Cluster}: still over the defrag rule after the run: {Members}", steps.Run.Id, cluster.Name,
                    string.Join(", ", still));
                var done = steps.Run.Steps.Where(x => x.Name == "defragment" && x.Outcome == StepOutcome.Succeeded).Select(x => x.Member).ToHashSet();
                steps.Report(new LeftFragmented([.. still.Where(name => !done.Contains(name))]));
            }
            return s;
        }, ct);

        if (after.HasAlarm(AlarmKind.NoSpace))
            await DisarmAsync(cluster, steps, after, quota ?? await ReadQuotaAsync(cluster, after, ct), ct);
        return (RunStatus.Succeeded, null);
    }

    /// <summary>
    /// Planned members on an etcd release with a known defrag defect (<see cref="AdvisoryTable"/>): said in
    /// the plan step and kept as the record's findings; unaccepted ones also get a step of their own, and
    /// refuse an unforced run. Accepted ones add no step: the operator has already said yes.
    /// </summary>
    private async Task<AdvisoryVerdict> ReviewAdvisoriesAsync(StepRecorder steps, StepRef planStep, ClusterState state, RemediationPlan plan,
        CancellationToken ct)
    {
        var run = steps.Run;
        var index = options.Value.Clusters.FindIndex(c => c.Name.Equals(run.Cluster, StringComparison.OrdinalIgnoreCase));
        var verdict = AdvisoryReview.Of(state, plan.Members.Select(m => m.Id), options.Value.AcceptedFor(run.Cluster), run.Force,
            $"{RemediatorOptions.Section}:Clusters:{Math.Max(index, 0)}:AcceptedAdvisories");
        if (verdict.Findings.Count == 0) return verdict;
        steps.Report(new AdvisoriesFound(verdict.Findings));
        steps.Amend(planStep, s => s with { Detail = $"{s.Detail}; {verdict.Describe()}" });
        if (verdict.Findings.All(f => f.Disposition == AdvisoryDisposition.Accepted)) return verdict;
        await steps.RunAsync("advisories", null, step =>
        {
            step.Outcome = verdict.Refusal is null ? StepOutcome.Succeeded : StepOutcome.Failed;
            step.Detail = verdict.Describe();
            return Task.CompletedTask;
        }, ct);
        if (verdict.Findings.Any(f => f.Disposition == AdvisoryDisposition.Forced))
            logger.LogWarning("Run {RunId} for {Cluster} is forced past etcd advisories: {Advisories}", run.Id, run.Cluster, verdict.Describe());
        return verdict;
    }

    /// <summary>One member at a time; a read before each chooses it (<see cref="ChooseNextAsync"/>) and is what its gate judges.</summary>
    /// <param name="measure">The quota, when the readings said the data in use alone is over it: judged again after the first member.</param>
    private async Task DefragmentMembersAsync(IEtcdCluster cluster, StepRecorder steps, IReadOnlyList<PlannedMember> planned, Quota? measure,
        string soFar, CancellationToken ct)
    {
        using var members = telemetry.Source.StartActivity("defragment members");
        var defragmenter = new MemberDefragmenter(inspector, pipelines.GetPipeline(ClusterInspector.ReadPipeline), Policy, time, telemetry, logger);
        var remaining = planned.ToList();
        while (remaining.Count > 0)
        {
            ClusterState now;
            using (telemetry.Source.StartActivity("read before member"))
                now = await inspector.InspectAsync(cluster, ct);
            var next = await ChooseNextAsync(steps, remaining, now, ct);
            await CheckSnapshotAsync(steps, $"before {next.Name}", ct);
            remaining.Remove(next);
            await defragmenter.DefragmentAsync(cluster, steps, next, now, last: remaining.Count == 0, ct);
            if (measure is { } quota && remaining.Count > 0)
            {
                await MeasureDataInUseAsync(cluster, steps, next, quota, soFar, ct);
                measure = null;
            }
        }
    }

    /// <summary>After the first member of a run whose readings put the data in use over the limit: its true size now.</summary>
    private async Task MeasureDataInUseAsync(IEtcdCluster cluster, StepRecorder steps, PlannedMember first, Quota quota, string soFar,
        CancellationToken ct) =>
        await steps.RunAsync("measure", first.Name, async step =>
        {
            var after = await inspector.InspectAsync(cluster, ct);
            var measured = after.Members.FirstOrDefault(m => m.Member.HexId == first.Id)?.Status?.DbSizeInUse;
            step.Detail = $"the readings put the data in use over the limit; {first.Name} holds " +
                $"{(measured is { } inUse ? ByteSize.Exact(inUse) : "an unknown amount")} in use after its defragment";
            if (DataInUseTooLarge(after, quota, $"{soFar}; only {first.Name} was defragmented, to measure the data (its file now holds only " +
                "live data); the other members were left alone") is { } tooLarge)
                throw new RunFailedException(tooLarge);
        }, ct);

    /// <summary>
    /// Who leads now decides who goes next: when leadership has moved onto a member still to do, it
    /// goes last, and the change is recorded as a step of its own.
    /// </summary>
    private static async Task<PlannedMember> ChooseNextAsync(StepRecorder steps, List<PlannedMember> remaining, ClusterState state,
        CancellationToken ct)
    {
        var leader = state.AgreedLeader is { } id ? MemberId.ToHex(id) : null;
        var next = Planner.NextMember(remaining, leader);
        if (next != remaining[0])
            await steps.RunAsync("re-plan", null, step =>
            {
                var moved = remaining.First(m => m.Id == leader);
                step.Detail = $"{moved.Name} leads now; it goes last: " +
                    $"{string.Join(", ", remaining.Where(m => m != moved).Append(moved).Select(m => m.Name))}";
                return Task.CompletedTask;
            }, ct);
        return next;
    }

    /// <summary>
    /// No verified snapshot, no defrag: an invariant, checked before every member and at the end. Nothing may have
    /// taken the snapshot away or changed it since it was verified (retention, a person, the disk); the members not
    /// yet done are left alone. A run without a snapshot (Snapshots:Required false, and it failed) has nothing to check.
    /// </summary>
    private async Task CheckSnapshotAsync(StepRecorder steps, string when, CancellationToken ct)
    {
        if (steps.Run.Snapshot is not { } taken) return;
        var (problem, checkedNow) = await snapshots.CheckAsync(taken, ct);
        if (problem is not null)
        {
            var done = steps.Run.Steps.Count(s => s.Name == "defragment" && s.Outcome == StepOutcome.Succeeded);
            throw new RunFailedException($"stopped {when}: {problem}; " +
                (done == 0 ? "nothing was defragmented" : $"{done} member(s) defragmented, the others left alone"));
        }
        steps.Report(new SnapshotTaken(checkedNow));
    }

    /// <summary>To the current revision, physically; a backend without a key space gets a skipped step that says who compacts.</summary>
    private async Task CompactAsync(IEtcdCluster cluster, StepRecorder steps, Compaction compaction, CancellationToken ct) =>
        await steps.RunAsync("compact", null, async step =>
        {
            if (compaction == Compaction.Unsupported || cluster.KeyValue is not { } keys)
            {
                step.Outcome = StepOutcome.Skipped;
                step.Detail = $"the {cluster.Backend} API offers no compaction; the Kubernetes API server compacts every few minutes";
                return;
            }
            var revision = await keys.GetRevisionAsync(ct);
            try
            {
                await keys.CompactAsync(revision, physical: true, Policy.DefragTimeout, ct);
                step.Detail = $"compacted to revision {revision}";
            }
            catch (Exception e) when (EtcdErrors.Classify(e) == EtcdFailure.Compacted)
            {
                step.Detail = $"already compacted at revision {revision}";
            }
        }, ct);

    /// <summary>From the reachable voting follower furthest ahead: spares the leader, and is current.</summary>
    private async Task SnapshotAsync(IEtcdCluster cluster, StepRecorder steps, ClusterState state, OffsiteStep offsiteCopy, CancellationToken ct)
    {
        var source = SnapshotSource.Choose(state) ?? throw new RunFailedException(SnapshotSource.WhyNone(state));
        var copying = false;
        try
        {
            await steps.RunAsync("snapshot", source.Member.Name, async step =>
            {
                var snapshot = await snapshots.SaveAsync(cluster, source.Member, source.Status!.DbSize, state.HasAlarm(AlarmKind.Corrupt), ct);
                steps.Report(new SnapshotTaken(snapshot));
                telemetry.SnapshotBytes.Record(snapshot.Bytes, new KeyValuePair<string, object?>("cluster", cluster.Name));
                step.BytesAfter = snapshot.Bytes;
                var revision = snapshot.Revision is { } r ? $"revision {r}" : "revision not known";
                var detail = $"{snapshot.Path} ({ByteSize.Exact(snapshot.Bytes)}, {revision}, sha256 {snapshot.Sha256[..12]}…, verified)";
                // Off-site: within the step for a snapshot run (it exists for the copy; its failure is the step's detail),
                // beside the remediation otherwise.
                if (offsiteCopy.Enabled && steps.Run.Action == RemediationAction.Snapshot)
                {
                    copying = true;
                    detail += "; " + await offsiteCopy.CopyAsync(snapshot, ct);
                }
                else offsiteCopy.StartBeside(snapshot, ct);
                step.Detail = detail;
            }, ct);
        }
        // Required=false lets a remediation go on without its snapshot; a snapshot run's copy is what the run is for, so a
        // failed upload fails it whatever the setting.
        catch (RunFailedException) when (!options.Value.Snapshots.Required && !copying)
        {
            logger.LogWarning("Snapshot failed for run {RunId}; continuing because Snapshots:Required is false", steps.Run.Id);
        }
    }

    /// <summary>Disarm NOSPACE only once every voting member is comfortably below the quota; else say why not.</summary>
    private async Task DisarmAsync(IEtcdCluster cluster, StepRecorder steps, ClusterState state, Quota quota, CancellationToken ct)
    {
        await steps.RunAsync("disarm", null, async step =>
        {
            var decision = DisarmRule.Decide(state, quota, Policy.DisarmBelowQuotaRatio);
            if (!decision.Disarm)
                throw new RunFailedException(
                    $"NOSPACE stays armed: {string.Join(", ", decision.Blockers)} not below {Policy.DisarmBelowQuotaRatio:P0} of the {quota}; " +
                    "the data itself exceeds the quota: delete data or raise --quota-backend-bytes");
            var alarms = state.Alarms.Where(a => a.Kind == AlarmKind.NoSpace).ToList();
            foreach (var alarm in alarms) await cluster.DisarmAsync(alarm, ct);
            step.Detail = $"disarmed NOSPACE on {string.Join(", ", alarms.Select(a => MemberId.ToHex(a.MemberId)))}; " +
                $"every voting member below {ByteSize.Exact(decision.Limit)} of the {quota}";
        }, ct);
    }

    private string? DataInUseTooLarge(ClusterState state, Quota quota, string done)
    {
        var decision = DisarmRule.DecideOnDataInUse(state, quota, Policy.DisarmBelowQuotaRatio);
        if (decision.Disarm || !state.Voting.All(m => m.Reachable)) return null;
        return $"the data in use is over {Policy.DisarmBelowQuotaRatio:P0} of the {quota}: {string.Join(", ", decision.Blockers)} " +
            $"(limit {ByteSize.Exact(decision.Limit)}); defragmentation cannot free data in use: {done}. " +
            "Raise --quota-backend-bytes (and Clusters:N:QuotaBackendBytes), or delete data, then run recover again";
    }

    /// <summary>A run decides on the quota as it is now (never a cached answer), and says when it fell back.</summary>
    private async Task<Quota> ReadQuotaAsync(IEtcdCluster cluster, ClusterState state, CancellationToken ct)
    {
        var quota = await quotas.QuotaOfAsync(cluster, state, TimeSpan.Zero, ct);
        if (!quota.ReportedByEtcd)
            logger.LogInformation("Cluster {Cluster}: no member reported its quota; using the configured {Quota} bytes", cluster.Name, quota.Bytes);
        return quota;
    }

    private RunRecord Finish(StepRecorder steps, RunStatus status, string? reason) =>
        steps.Report(new RunFinished(status, reason, time.GetUtcNow()));

    private static string Summarize(ClusterState s) =>
        string.Join("; ", s.Members.Select(m => m.Status is { } st
            ? $"{m.Member.Name}{(m.Member.Id == s.AgreedLeader ? "*" : "")} {ByteSize.Short(st.DbSize)} file, {ByteSize.Short(st.DbSizeInUse)} in use"
            : $"{m.Member.Name} down ({m.Error})"))
        + (s.Alarms.Count > 0 ? $"; alarms {string.Join(", ", s.Alarms.Select(a => $"{a.Name}@{MemberId.ToHex(a.MemberId)}"))}" : "");
}

using System.Diagnostics;
using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd;
using EtcdRemediator.Observability;
using EtcdRemediator.Remediation.Policy;
using Polly;

namespace EtcdRemediator.Remediation.Execution;

/// <summary>
/// One member's turn, in the order an operator would do it by hand: the gate again, leadership
/// moved away if it is the leader, defragment, wait until it answers and has caught up, pause.
/// </summary>
internal sealed class MemberDefragmenter(ClusterInspector inspector, ResiliencePipeline reads, PolicyOptions policy, TimeProvider time,
    RemediatorTelemetry telemetry, ILogger logger)
{
    /// <param name="state">The cluster as read just before this member (the read that also chose it): the gate judges it.</param>
    public async Task DefragmentAsync(IEtcdCluster cluster, StepRecorder steps, PlannedMember planned, ClusterState state, bool last,
        CancellationToken cancellationToken)
    {
        using var span = telemetry.Source.StartActivity($"member {planned.Name}");
        span?.SetTag("etcd.member.id", planned.Id);
        span?.SetTag("etcd.member.name", planned.Name);
        span?.SetTag("etcd.member.planned_as_leader", planned.IsLeader);
        try
        {
            var defrag = await DefragmentMemberAsync(cluster, steps, planned, state, last, cancellationToken);
            span?.SetTag("etcd.db_size.before", defrag.BytesBefore);
            span?.SetTag("etcd.db_size.after", defrag.BytesAfter);
        }
        catch (Exception e)
        {
            span?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    /// <returns>The member's defragment step, with its size before and after.</returns>
    private async Task<StepRecord> DefragmentMemberAsync(IEtcdCluster cluster, StepRecorder steps, PlannedMember planned, ClusterState state,
        bool last, CancellationToken cancellationToken)
    {
        var member = await steps.RunAsync("gate", planned.Name, step =>
        {
            if (SafetyGate.Check(state) is { } reason) throw new RunFailedException($"stopped before {planned.Name}: {reason}");
            var current = state.Members.FirstOrDefault(m => m.Member.HexId == planned.Id)
                ?? throw new RunFailedException($"member {planned.Name} ({planned.Id}) is no longer in the member list");
            step.BytesBefore = current.Status!.DbSize;
            step.Detail = current.Member.Id == state.AgreedLeader ? "safe; member is the leader" : "safe";
            return Task.FromResult((current, state));
        }, cancellationToken);

        var (target, before) = member;
        if (target.Member.Id == before.AgreedLeader && policy.MoveLeader)
            await MoveLeadershipAwayAsync(cluster, steps, target, before, cancellationToken);

        var defragStep = await steps.RunAsync("defragment", planned.Name, async step =>
        {
            step.BytesBefore = target.Status!.DbSize;
            var started = time.GetTimestamp();
            try
            {
                await cluster.DefragmentAsync(target.Member, policy.DefragTimeout, cancellationToken);
                telemetry.DefragDuration.Record(time.GetElapsedTime(started).TotalSeconds,
                    new KeyValuePair<string, object?>("cluster", cluster.Name));
            }
            catch (Exception e) when (EtcdErrors.Classify(e) == EtcdFailure.TimedOut)
            {
                // Never retried blindly: etcd may still be rewriting the file. Say what the member says now.
                var now = await ClusterInspector.ReadMemberAsync(cluster, target.Member, reads, cancellationToken);
                step.Detail = $"no answer within {policy.DefragTimeout}; the member now reports " +
                    (now.Status is { } s ? $"dbSize {ByteSize.Exact(s.DbSize)}, in use {ByteSize.Exact(s.DbSizeInUse)}" : $"nothing ({now.Error})");
                throw;
            }
        }, cancellationToken);

        var defrag = await steps.RunAsync("catch-up", planned.Name, async step =>
        {
            var caughtUp = await WaitForCatchUpAsync(cluster, target.Member, cancellationToken);
            // The file's size after is known once the member answers again: the defragment step gets it.
            var defrag = steps.Amend(defragStep, d => d with { BytesAfter = caughtUp.DbSize });
            step.BytesAfter = caughtUp.DbSize;
            telemetry.ReclaimedBytes.Add(Math.Max(0, defrag.BytesBefore!.Value - caughtUp.DbSize),
                new KeyValuePair<string, object?>("cluster", cluster.Name));
            step.Detail = $"applied index {caughtUp.RaftAppliedIndex}";
            logger.LogInformation(
                "Defragmented {Member} ({MemberId}): {BytesBefore} -> {BytesAfter} bytes; caught up at applied index {AppliedIndex}",
                planned.Name, planned.Id, defrag.BytesBefore, caughtUp.DbSize, caughtUp.RaftAppliedIndex);
            return defrag;
        }, cancellationToken);

        if (!last && policy.PauseBetweenMembers > TimeSpan.Zero)
            await steps.RunAsync("pause", planned.Name, _ => Task.Delay(policy.PauseBetweenMembers, time, cancellationToken), cancellationToken);
        return defrag;
    }

    /// <summary>Hands leadership to the follower furthest ahead, and waits until the cluster agrees.</summary>
    private async Task MoveLeadershipAwayAsync(IEtcdCluster cluster, StepRecorder steps, MemberState leader, ClusterState state,
        CancellationToken cancellationToken)
    {
        if (SuccessorRule.Preferred(state, leader.Member.Id) is not { } preferred) return; // a single-member cluster

        // A backend that picks the successor itself (Talos: the first other member of the list) may
        // pick a learner or a member that does not answer: then the leader is defragmented in place.
        var successor = cluster.SuccessorOf(leader.Member, preferred.Member, [.. state.Members.Select(m => m.Member)]);
        if (SuccessorRule.Unfit(successor, state) is { } unfit)
        {
            await steps.RunAsync("move-leader", leader.Member.Name, step =>
            {
                step.Outcome = StepOutcome.Skipped;
                step.Detail = $"not moved: the {cluster.Backend} backend would hand leadership to {unfit}; the leader is defragmented in place, last";
                return Task.CompletedTask;
            }, cancellationToken);
            return;
        }

        await steps.RunAsync("move-leader", leader.Member.Name, async step =>
        {
            var handover = await cluster.MoveLeadershipAsync(leader.Member, preferred.Member, cancellationToken);
            // Whoever the cluster chose, the run waits until some other member leads.
            ClusterState? now = null;
            await PollAsync(async ct =>
                {
                    now = await inspector.InspectAsync(cluster, ct);
                    return now.AgreedLeader is { } l && l != leader.Member.Id;
                },
                policy.CatchUpTimeout, $"leadership to move away from {leader.Member.Name}", cancellationToken);
            var newLeader = now!.Find(now.AgreedLeader!.Value)!.Member;
            step.Detail = $"leader is now {newLeader.Name} ({newLeader.HexId})" + handover switch
            {
                Handover.ToFirstInList => " (leadership forfeited to the first other member of the member list)",
                Handover.AlreadyMoved => " (it had moved already)",
                _ => "",
            };
        }, cancellationToken);
    }

    /// <summary>Until the member answers and has applied what the leader had committed when we started waiting.</summary>
    private async Task<MemberStatus> WaitForCatchUpAsync(IEtcdCluster cluster, EtcdMember member, CancellationToken cancellationToken)
    {
        ulong? target = null;
        MemberStatus? latest = null;
        await PollAsync(async ct =>
        {
            if (target is null)
            {
                var state = await inspector.InspectAsync(cluster, ct);
                if (state.AgreedLeader is not { } leaderId || state.Find(leaderId)?.Status is not { } leader) return false;
                target = leader.RaftIndex;
            }
            latest = await cluster.GetStatusAsync(member, ct);
            return latest.RaftAppliedIndex >= target;
        }, policy.CatchUpTimeout, $"{member.Name} to answer and catch up with the leader", cancellationToken);
        return latest!;
    }

    private async Task PollAsync(Func<CancellationToken, Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = time.GetUtcNow() + timeout;
        string? lastError = null;
        while (time.GetUtcNow() < deadline)
        {
            try
            {
                if (await condition(cancellationToken)) return;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                lastError = EtcdErrors.Describe(e);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
        }
        throw new RunFailedException($"timed out after {timeout} waiting for {what}{(lastError is null ? "" : $" (last error: {lastError})")}");
    }
}

using Polly;
using Polly.Registry;

namespace EtcdRemediator.Etcd;

/// <summary>
/// Reads member list, every member's status (in parallel) and the alarm list. Never throws for an
/// unreachable member: the gate and the status page both need to see that member as a row.
/// </summary>
internal sealed class ClusterInspector(ResiliencePipelineProvider<string> pipelines, TimeProvider time,
    Microsoft.Extensions.Options.IOptions<Configuration.RemediatorOptions> options)
{
    public const string ReadPipeline = "etcd-read";

    /// <param name="retry">False for a look (the status page, readiness): one attempt per call, so a
    /// frozen member costs one request timeout, not three; decisions (the pipeline) retry.</param>
    /// <param name="budget">A tighter bound on each call than the request timeout (readiness: 3 s).</param>
    public async Task<ClusterState> InspectAsync(IEtcdCluster cluster, CancellationToken cancellationToken, bool retry = true,
        TimeSpan? budget = null)
    {
        var reads = retry ? pipelines.GetPipeline(ReadPipeline) : ResiliencePipeline.Empty;
        IReadOnlyList<EtcdMember> members;
        try
        {
            members = await reads.ExecuteAsync(async ct => await Bounded(cluster.ListMembersAsync(ct), budget), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Without a member list, report each configured endpoint so the operator sees what was tried.
            var unknown = cluster.Endpoints.Select(ep =>
                new MemberState(new EtcdMember(0, "", MemberAddress.Configured(ep), false), null, EtcdErrors.Describe(e)));
            return new ClusterState(cluster.Name, [.. unknown], [], EtcdErrors.Describe(e), "member list unavailable", time.GetUtcNow());
        }

        var requestTimeout = options.Value.Policy.RequestTimeout;
        var statuses = members.Select(m =>
            ReadMemberAsync(cluster, m, reads, cancellationToken, budget < requestTimeout ? budget : requestTimeout, budget));
        var alarms = ReadAlarmsAsync(cluster, reads, budget, cancellationToken);
        var states = await Task.WhenAll(statuses);
        var (alarmList, alarmsError) = await alarms;
        return new ClusterState(cluster.Name, states, alarmList, null, alarmsError, time.GetUtcNow());
    }

    public static async Task<MemberState> ReadMemberAsync(IEtcdCluster cluster, EtcdMember member, ResiliencePipeline reads,
        CancellationToken cancellationToken, TimeSpan? timeout = null, TimeSpan? budget = null)
    {
        if (!member.Address.IsKnown)
            return new MemberState(member, null, "no endpoint for this member: it has not started, or no configured node serves it");
        try
        {
            var status = await reads.ExecuteAsync(async ct => await Bounded(cluster.GetStatusAsync(member, ct), budget), cancellationToken);
            // The address a member advertises may lead to another member (a copied flag, a proxy, a
            // reused IP): its answer is then not about this member, and nothing may act on it.
            if (status.MemberId != 0 && status.MemberId != member.Id)
                return new MemberState(member, null, MemberIdentity.Mismatch(member, status.MemberId), status.MemberId);
            return new MemberState(member, status, null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new MemberState(member, null, EtcdErrors.Describe(e, timeout));
        }
    }

    private static async Task<(IReadOnlyList<EtcdAlarm>, string?)> ReadAlarmsAsync(IEtcdCluster cluster, ResiliencePipeline reads, TimeSpan? budget,
        CancellationToken cancellationToken)
    {
        try
        {
            return (await reads.ExecuteAsync(async ct => await Bounded(cluster.ListAlarmsAsync(ct), budget), cancellationToken), null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return ([], EtcdErrors.Describe(e));
        }
    }

    /// <summary>The call, or a TimeoutException in words once <paramref name="budget"/> has passed.</summary>
    private static async Task<T> Bounded<T>(Task<T> call, TimeSpan? budget)
    {
        if (budget is not { } limit) return await call;
        try
        {
            return await call.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"did not answer within {limit.TotalSeconds:0.#} s");
        }
    }
}

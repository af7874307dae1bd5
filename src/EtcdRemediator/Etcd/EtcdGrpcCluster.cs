using EtcdRemediator.Etcd.Wire;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;

namespace EtcdRemediator.Etcd;

/// <summary>
/// <see cref="IEtcdCluster"/> over etcd's own v3 gRPC API. Calls about one member go to that
/// member's channel; calls any member can answer try the configured endpoints in order.
/// </summary>
public sealed class EtcdGrpcCluster(ClusterOptions options, TimeSpan requestTimeout, TimeProvider time) : IEtcdCluster, IAsyncDisposable
{
    private readonly EtcdChannelPool _channels = new(() => TlsMaterial.FromFiles(options.Tls));
    private readonly List<string> _endpoints = [.. options.Endpoints.Select(EtcdEndpoint.Normalize)];

    public string Name => options.Name;

    public IReadOnlyList<string> Endpoints => _endpoints;

    public bool HasKeyValueAccess => true;

    public async Task<IReadOnlyList<EtcdMember>> ListMembersAsync(CancellationToken cancellationToken)
    {
        var reply = await OnAnyEndpointAsync(
            (channel, ct) => new Cluster.ClusterClient(channel).MemberListAsync(new MemberListRequest(), deadline: Deadline(), cancellationToken: ct).ResponseAsync,
            cancellationToken);
        return [.. reply.Members.Select(m => new EtcdMember(m.ID, m.Name, ChooseEndpoint(m), m.IsLearner))];
    }

    public async Task<MemberStatus> GetStatusAsync(EtcdMember member, CancellationToken cancellationToken)
    {
        var s = await Maintenance(member).StatusAsync(new StatusRequest(), deadline: Deadline(), cancellationToken: cancellationToken);
        return new MemberStatus(s.Header.MemberId, s.Version, s.DbSize, s.DbSizeInUse, s.Leader, s.RaftTerm, s.RaftIndex,
            s.RaftAppliedIndex, s.IsLearner, [.. s.Errors], s.DbSizeQuota);
    }

    public async Task<IReadOnlyList<EtcdAlarm>> ListAlarmsAsync(CancellationToken cancellationToken)
    {
        var reply = await OnAnyEndpointAsync(
            (channel, ct) => new Maintenance.MaintenanceClient(channel)
                .AlarmAsync(new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Get }, deadline: Deadline(), cancellationToken: ct).ResponseAsync,
            cancellationToken);
        return [.. reply.Alarms.Where(a => a.Alarm != AlarmType.None).Select(a => new EtcdAlarm(a.MemberID, (AlarmKind)(int)a.Alarm))];
    }

    public Task DisarmAsync(EtcdAlarm alarm, CancellationToken cancellationToken) =>
        OnAnyEndpointAsync(
            (channel, ct) => new Maintenance.MaintenanceClient(channel).AlarmAsync(
                new AlarmRequest { Action = AlarmRequest.Types.AlarmAction.Deactivate, MemberID = alarm.MemberId, Alarm = (AlarmType)(int)alarm.Kind },
                deadline: Deadline(), cancellationToken: ct).ResponseAsync,
            cancellationToken);

    public async Task<long> GetRevisionAsync(CancellationToken cancellationToken)
    {
        // A linearizable count of one key: the answer's header carries the cluster's current revision.
        var reply = await OnAnyEndpointAsync(
            (channel, ct) => new KV.KVClient(channel).RangeAsync(
                new RangeRequest { Key = ByteString.CopyFromUtf8("\0"), CountOnly = true }, deadline: Deadline(), cancellationToken: ct).ResponseAsync,
            cancellationToken);
        return reply.Header.Revision;
    }

    public Task CompactAsync(long revision, bool physical, TimeSpan timeout, CancellationToken cancellationToken) =>
        OnAnyEndpointAsync(
            (channel, ct) => new KV.KVClient(channel).CompactAsync(
                new CompactionRequest { Revision = revision, Physical = physical }, deadline: Deadline(timeout), cancellationToken: ct).ResponseAsync,
            cancellationToken);

    public async Task<SnapshotStreamInfo> SnapshotAsync(EtcdMember member, Stream destination, TimeSpan stallTimeout, CancellationToken cancellationToken)
    {
        using var stall = new CancellationTokenSource(stallTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Token);
        try
        {
            using var call = Maintenance(member).Snapshot(new SnapshotRequest(), cancellationToken: linked.Token);
            ResponseHeader? first = null;
            string? version = null;
            long bytes = 0;
            while (await call.ResponseStream.MoveNext(linked.Token))
            {
                stall.CancelAfter(stallTimeout);
                var chunk = call.ResponseStream.Current;
                first ??= chunk.Header;
                if (!string.IsNullOrEmpty(chunk.Version)) version = chunk.Version;
                await destination.WriteAsync(chunk.Blob.Memory, linked.Token);
                bytes += chunk.Blob.Length;
            }
            return new SnapshotStreamInfo(first?.MemberId ?? member.Id, first?.Revision ?? 0, bytes, version);
        }
        catch (Exception e) when (stall.IsCancellationRequested && !cancellationToken.IsCancellationRequested && e is OperationCanceledException or RpcException)
        {
            throw new TimeoutException($"snapshot stream from member {member.HexId} ({member.Endpoint}) sent nothing for {stallTimeout.TotalSeconds:0} s", e);
        }
    }

    public Task DefragmentAsync(EtcdMember member, TimeSpan timeout, CancellationToken cancellationToken) =>
        Maintenance(member).DefragmentAsync(new DefragmentRequest(), deadline: Deadline(timeout), cancellationToken: cancellationToken).ResponseAsync;

    public Task MoveLeaderAsync(EtcdMember leader, ulong targetId, CancellationToken cancellationToken) =>
        Maintenance(leader).MoveLeaderAsync(new MoveLeaderRequest { TargetID = targetId }, deadline: Deadline(), cancellationToken: cancellationToken).ResponseAsync;

    private Maintenance.MaintenanceClient Maintenance(EtcdMember member) => new(_channels.For(member.Endpoint));

    private DateTime Deadline(TimeSpan? timeout = null) => time.GetUtcNow().UtcDateTime + (timeout ?? requestTimeout);

    /// <summary>
    /// Prefer the member's client URL that the operator configured (it is known to be reachable from
    /// here), else the first one it advertises. A member added but not yet started advertises none.
    /// </summary>
    private string ChooseEndpoint(Member m)
    {
        var urls = m.ClientURLs.Select(EtcdEndpoint.Normalize).ToList();
        return urls.FirstOrDefault(_endpoints.Contains) ?? urls.FirstOrDefault() ?? "";
    }

    private async Task<T> OnAnyEndpointAsync<T>(Func<GrpcChannel, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var endpoint in _endpoints)
        {
            try
            {
                return await call(_channels.For(endpoint), cancellationToken);
            }
            catch (RpcException e) when (EtcdErrors.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                failures.Add($"{endpoint}: {EtcdErrors.Describe(e)}");
            }
        }
        throw new EtcdClusterUnavailableException(Name, failures);
    }

    public ValueTask DisposeAsync() => _channels.DisposeAsync();
}

using EtcdRemediator.Etcd.Talos.Wire;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using EtcdWire = EtcdRemediator.Etcd.Wire;
using Metadata = EtcdRemediator.Etcd.Talos.Wire.Metadata;

namespace EtcdRemediator.IntegrationTests.Talos;

/// <summary>
/// Talos' machine service as apid presents it, each node backed by one real etcd member: the
/// `nodes` metadata picks the member, replies carry one message per node with its hostname, and a
/// node that cannot be reached is reported in `metadata.error`, as apid does, not as a failed call.
/// </summary>
internal sealed class StandInMachineService(StandInNodes nodes) : MachineService.MachineServiceBase
{
    public override Task<EtcdMemberListResponse> EtcdMemberList(EtcdMemberListRequest request, ServerCallContext context) =>
        OnNode(context, async (node, channel) =>
        {
            // machined asks with clientv3.WithRequireLeader: without a leader, etcd refuses.
            var list = await new EtcdWire.Cluster.ClusterClient(channel).MemberListAsync(new EtcdWire.MemberListRequest(),
                new Grpc.Core.Metadata { { "hasleader", "true" } }, Deadline());
            var members = new EtcdMembers { Metadata = new Metadata { Hostname = node } };
            members.Members.AddRange(list.Members.Select(m => new EtcdMember
            {
                Id = m.ID,
                Hostname = m.Name,
                IsLearner = m.IsLearner,
                PeerUrls = { m.PeerURLs },
                ClientUrls = { m.ClientURLs },
            }));
            return new EtcdMemberListResponse { Messages = { members } };
        }, (node, error) => new EtcdMemberListResponse { Messages = { new EtcdMembers { Metadata = Failed(node, error) } } });

    public override Task<EtcdStatusResponse> EtcdStatus(Empty request, ServerCallContext context) =>
        OnNode(context, async (node, channel) =>
        {
            EtcdWire.StatusResponse s;
            try
            {
                s = await Maintenance(channel).StatusAsync(new EtcdWire.StatusRequest(), deadline: Deadline());
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable)
            {
                // machined's etcd client waits for a connection to a stopped etcd until the caller's deadline.
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
                throw;
            }
            return new EtcdStatusResponse
            {
                Messages =
                {
                    new EtcdStatus
                    {
                        Metadata = new Metadata { Hostname = node },
                        MemberStatus = new EtcdMemberStatus
                        {
                            MemberId = s.Header.MemberId, ProtocolVersion = s.Version, DbSize = s.DbSize, DbSizeInUse = s.DbSizeInUse,
                            Leader = s.Leader, RaftIndex = s.RaftIndex, RaftTerm = s.RaftTerm, RaftAppliedIndex = s.RaftAppliedIndex,
                            IsLearner = s.IsLearner, Errors = { s.Errors },
                        },
                    },
                },
            };
        }, (node, error) => new EtcdStatusResponse { Messages = { new EtcdStatus { Metadata = Failed(node, error) } } });

    public override Task<EtcdAlarmListResponse> EtcdAlarmList(Empty request, ServerCallContext context) =>
        OnNode(context, async (node, channel) =>
        {
            var alarms = await Maintenance(channel).AlarmAsync(new EtcdWire.AlarmRequest { Action = EtcdWire.AlarmRequest.Types.AlarmAction.Get }, deadline: Deadline());
            var message = new EtcdAlarm { Metadata = new Metadata { Hostname = node } };
            message.MemberAlarms.AddRange(alarms.Alarms.Select(a => new EtcdMemberAlarm { MemberId = a.MemberID, Alarm = (EtcdMemberAlarm.Types.AlarmType)(int)a.Alarm }));
            return new EtcdAlarmListResponse { Messages = { message } };
        }, (node, error) => new EtcdAlarmListResponse { Messages = { new EtcdAlarm { Metadata = Failed(node, error) } } });

    /// <summary>
    /// As machined does: every alarm of every member of the cluster is deactivated, CORRUPT included,
    /// whichever node the call names.
    /// </summary>
    public override Task<EtcdAlarmDisarmResponse> EtcdAlarmDisarm(Empty request, ServerCallContext context) =>
        OnNode(context, async (node, channel) =>
        {
            var maintenance = Maintenance(channel);
            var alarms = await maintenance.AlarmAsync(new EtcdWire.AlarmRequest { Action = EtcdWire.AlarmRequest.Types.AlarmAction.Get }, deadline: Deadline());
            var message = new EtcdAlarmDisarm { Metadata = new Metadata { Hostname = node } };
            foreach (var alarm in alarms.Alarms)
            {
                await maintenance.AlarmAsync(new EtcdWire.AlarmRequest { Action = EtcdWire.AlarmRequest.Types.AlarmAction.Deactivate, MemberID = alarm.MemberID, Alarm = alarm.Alarm },
                    deadline: Deadline());
                message.MemberAlarms.Add(new EtcdMemberAlarm { MemberId = alarm.MemberID, Alarm = (EtcdMemberAlarm.Types.AlarmType)(int)alarm.Alarm });
            }
            return new EtcdAlarmDisarmResponse { Messages = { message } };
        }, (node, error) => new EtcdAlarmDisarmResponse { Messages = { new EtcdAlarmDisarm { Metadata = Failed(node, error) } } });

    public override Task<EtcdDefragmentResponse> EtcdDefragment(Empty request, ServerCallContext context) =>
        OnNode(context, async (node, channel) =>
        {
            if (nodes.FailingNodes.ContainsKey(node))
                throw new RpcException(new Status(StatusCode.Unavailable, "error defragmenting: rpc error: code = Unavailable desc = etcdserver: request timed out"));
            await Maintenance(channel).DefragmentAsync(new EtcdWire.DefragmentRequest(), deadline: context.Deadline);
            return new EtcdDefragmentResponse { Messages = { new EtcdDefragment { Metadata = new Metadata { Hostname = node } } } };
        }, (node, error) => new EtcdDefragmentResponse { Messages = { new EtcdDefragment { Metadata = Failed(node, error) } } });

    /// <summary>
    /// As machined does: a node that is not the leader answers with an empty member; the leader hands
    /// over to the first other member in member-list order (learners are not skipped) and names it.
    /// </summary>
    public override Task<EtcdForfeitLeadershipResponse> EtcdForfeitLeadership(EtcdForfeitLeadershipRequest request, ServerCallContext context) =>
        OnNode(context, async (node, channel) =>
        {
            var maintenance = Maintenance(channel);
            var status = await maintenance.StatusAsync(new EtcdWire.StatusRequest(), deadline: Deadline());
            var reply = new EtcdForfeitLeadership { Metadata = new Metadata { Hostname = node } };
            if (status.Leader != status.Header.MemberId) return new EtcdForfeitLeadershipResponse { Messages = { reply } };
            var members = await new EtcdWire.Cluster.ClusterClient(channel).MemberListAsync(new EtcdWire.MemberListRequest(), deadline: Deadline());
            var target = members.Members.First(m => m.ID != status.Header.MemberId);
            await maintenance.MoveLeaderAsync(new EtcdWire.MoveLeaderRequest { TargetID = target.ID }, deadline: Deadline());
            reply.Member = target.Name;
            return new EtcdForfeitLeadershipResponse { Messages = { reply } };
        }, (node, error) => new EtcdForfeitLeadershipResponse { Messages = { new EtcdForfeitLeadership { Metadata = Failed(node, error) } } });

    public override async Task EtcdSnapshot(EtcdSnapshotRequest request, IServerStreamWriter<Data> responseStream, ServerCallContext context)
    {
        Authorize(context);
        var node = nodes.Resolve(context);
        if (nodes.ChannelFor(node) is not { } channel)
        {
            await responseStream.WriteAsync(new Data { Metadata = Failed(node, "unknown node") });
            return;
        }
        // machined copies the snapshot in 1 KiB common.Data messages; a stream it cannot finish still ends with OK.
        using var call = Maintenance(channel).Snapshot(new EtcdWire.SnapshotRequest(), cancellationToken: context.CancellationToken);
        long sent = 0;
        await foreach (var chunk in call.ResponseStream.ReadAllAsync(context.CancellationToken))
            for (var offset = 0; offset < chunk.Blob.Length; offset += 1024)
            {
                if (nodes.CutSnapshotsAfter is { } cut && sent >= cut) return;
                var piece = chunk.Blob.Memory.Slice(offset, Math.Min(1024, chunk.Blob.Length - offset));
                await responseStream.WriteAsync(new Data { Metadata = new Metadata { Hostname = node }, Bytes = Google.Protobuf.ByteString.CopyFrom(piece.Span) });
                sent += piece.Length;
            }
    }

    /// <summary>
    /// Talos RBAC: which roles (the client certificate's Organization) may call what, as machined's
    /// `rules` table in siderolabs/talos, internal/app/machined/pkg/system/services/machined.go, has
    /// it (read at ad8823176e75, v1.14.0-beta.1+84; the reads for os:reader and os:etcd:backup since
    /// 1.9.6 / 1.10.1).
    /// </summary>
    internal static readonly Dictionary<string, string[]> Roles = new()
    {
        ["EtcdMemberList"] = ["os:admin", "os:operator", "os:reader", "os:etcd:backup"],
        ["EtcdStatus"] = ["os:admin", "os:operator", "os:reader", "os:etcd:backup"],
        ["EtcdAlarmList"] = ["os:admin", "os:operator", "os:reader", "os:etcd:backup"],
        ["EtcdSnapshot"] = ["os:admin", "os:operator", "os:etcd:backup"],
        ["EtcdDefragment"] = ["os:admin", "os:operator"],
        ["EtcdAlarmDisarm"] = ["os:admin", "os:operator"],
        ["EtcdForfeitLeadership"] = ["os:admin"],
    };

    /// <summary>As apid's authorizer: PermissionDenied "not authorized" when no role of the certificate may call the method.</summary>
    private void Authorize(ServerCallContext context)
    {
        var method = context.Method.Split('/')[^1];
        var subject = nodes.BehindProxy
            ? context.RequestHeaders.GetValue("x-client-subject") ?? ""
            : context.GetHttpContext().Connection.ClientCertificate?.Subject ?? "";
        nodes.ClientSubjects.Add(subject);
        var roles = subject.Split(',').Select(p => p.Trim()).Where(p => p.StartsWith("O=", StringComparison.Ordinal)).Select(p => p[2..]);
        if (!roles.Intersect(Roles.GetValueOrDefault(method) ?? []).Any())
            throw new RpcException(new Status(StatusCode.PermissionDenied, "not authorized"));
    }

    private async Task<T> OnNode<T>(ServerCallContext context, Func<string, GrpcChannel, Task<T>> call, Func<string, string, T> failed)
    {
        Authorize(context);
        nodes.Calls.Add((context.Method, nodes.Resolve(context)));
        var node = nodes.Resolve(context);
        if (nodes.Workers.Contains(node))
            throw new RpcException(new Status(StatusCode.Unimplemented, "etcd is not running on this node (a worker)"));
        // With `node`, apid returns the node's answer as is: a failure is an ordinary gRPC status.
        // With the deprecated `nodes`, it wraps each node's failure into metadata.error of a reply.
        if (nodes.ChannelFor(node) is not { } channel)
            return StandInNodes.IsProxied(context)
                ? throw new RpcException(new Status(StatusCode.Unavailable, $"unknown node {node}"))
                : failed(node, $"rpc error: code = Unavailable desc = unknown node {node}");
        try
        {
            return await call(node, channel);
        }
        catch (RpcException e) when (!StandInNodes.IsProxied(context))
        {
            return failed(node, $"rpc error: code = {e.StatusCode} desc = {e.Status.Detail}");
        }
    }

    private static EtcdWire.Maintenance.MaintenanceClient Maintenance(GrpcChannel channel) => new(channel);

    private static DateTime Deadline() => DateTime.UtcNow.AddSeconds(10);

    private static Metadata Failed(string node, string error) => new() { Hostname = node, Error = error };
}

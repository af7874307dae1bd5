using EtcdRemediator.Etcd.Talos.Wire;
using EtcdRemediator.Etcd.Wire;
using Google.Protobuf.Reflection;

namespace EtcdRemediator.Tests.Etcd;

/// <summary>
/// Our own .proto files must keep upstream's field numbers, or they silently stop talking to real
/// etcd and Talos. The expected numbers are written here from etcd's rpc.proto and Talos'
/// machine.proto / common.proto.
/// </summary>
public sealed class ProtoFieldNumberTests
{
    public static TheoryData<string, string, int> Fields => new()
    {
        // etcd api/etcdserverpb/rpc.proto
        { "etcdserverpb.ResponseHeader", "member_id", 2 },
        { "etcdserverpb.ResponseHeader", "revision", 3 },
        { "etcdserverpb.StatusResponse", "dbSize", 3 },
        { "etcdserverpb.StatusResponse", "leader", 4 },
        { "etcdserverpb.StatusResponse", "raftIndex", 5 },
        { "etcdserverpb.StatusResponse", "raftTerm", 6 },
        { "etcdserverpb.StatusResponse", "raftAppliedIndex", 7 },
        { "etcdserverpb.StatusResponse", "errors", 8 },
        { "etcdserverpb.StatusResponse", "dbSizeInUse", 9 },
        { "etcdserverpb.StatusResponse", "isLearner", 10 },
        { "etcdserverpb.StatusResponse", "dbSizeQuota", 12 },
        { "etcdserverpb.SnapshotResponse", "remaining_bytes", 2 },
        { "etcdserverpb.SnapshotResponse", "blob", 3 },
        { "etcdserverpb.SnapshotResponse", "version", 4 },
        { "etcdserverpb.CompactionRequest", "physical", 2 },
        { "etcdserverpb.AlarmRequest", "memberID", 2 },
        { "etcdserverpb.AlarmRequest", "alarm", 3 },
        { "etcdserverpb.AlarmMember", "alarm", 2 },
        { "etcdserverpb.MoveLeaderRequest", "targetID", 1 },
        { "etcdserverpb.Member", "clientURLs", 4 },
        { "etcdserverpb.Member", "isLearner", 5 },
        { "etcdserverpb.MemberListResponse", "members", 2 },
        { "etcdserverpb.RangeRequest", "count_only", 9 },
        // Talos api/common/common.proto and api/machine/machine.proto
        { "common.Metadata", "hostname", 1 },
        { "common.Metadata", "error", 2 },
        { "common.Data", "bytes", 2 },
        { "machine.EtcdMember", "id", 2 },
        { "machine.EtcdMember", "hostname", 3 },
        { "machine.EtcdMember", "client_urls", 5 },
        { "machine.EtcdMember", "is_learner", 6 },
        { "machine.EtcdMembers", "members", 3 },
        { "machine.EtcdMemberStatus", "member_id", 10 },
        { "machine.EtcdMemberStatus", "protocol_version", 1 },
        { "machine.EtcdMemberStatus", "db_size", 2 },
        { "machine.EtcdMemberStatus", "db_size_in_use", 3 },
        { "machine.EtcdMemberStatus", "raft_applied_index", 7 },
        { "machine.EtcdMemberStatus", "is_learner", 9 },
        { "machine.EtcdStatus", "member_status", 2 },
        { "machine.EtcdMemberAlarm", "alarm", 2 },
        { "machine.EtcdAlarm", "member_alarms", 2 },
        { "machine.EtcdForfeitLeadership", "member", 2 },
        { "machine.EtcdMemberListRequest", "query_local", 1 },
    };

    private static readonly Dictionary<string, MessageDescriptor> Messages =
        RpcReflection.Descriptor.MessageTypes.Concat(KvReflection.Descriptor.MessageTypes)
            .Concat(MachineReflection.Descriptor.MessageTypes).Concat(CommonReflection.Descriptor.MessageTypes)
            .ToDictionary(m => m.FullName);

    [Theory]
    [MemberData(nameof(Fields))]
    public void FieldNumbersAreUpstreams(string message, string field, int number) =>
        Assert.Equal(number, Messages[message].FindFieldByName(field).FieldNumber);

    [Theory]
    [InlineData("etcdserverpb.Maintenance", "Status", "Defragment", "Snapshot", "Alarm", "MoveLeader")]
    [InlineData("etcdserverpb.KV", "Range", "Compact")]
    [InlineData("etcdserverpb.Cluster", "MemberList")]
    [InlineData("machine.MachineService", "EtcdMemberList", "EtcdStatus", "EtcdSnapshot", "EtcdDefragment", "EtcdAlarmList", "EtcdAlarmDisarm", "EtcdForfeitLeadership")]
    public void ServicesHaveUpstreamsNames(string service, params string[] methods)
    {
        var descriptor = RpcReflection.Descriptor.Services.Concat(MachineReflection.Descriptor.Services).Single(s => s.FullName == service);
        Assert.Equal(methods.Order(), descriptor.Methods.Select(m => m.Name).Order());
    }

    [Fact]
    public void EnumValuesAreUpstreams()
    {
        Assert.Equal(1, (int)AlarmType.Nospace);
        Assert.Equal(2, (int)AlarmType.Corrupt);
        Assert.Equal(2, (int)AlarmRequest.Types.AlarmAction.Deactivate);
        Assert.Equal(1, (int)EtcdMemberAlarm.Types.AlarmType.Nospace);
    }

    /// <summary>
    /// etcd 3.6 answers Status with fields we do not declare (storageVersion = 11, downgradeInfo = 13)
    /// around one we read (dbSizeQuota = 12). Written byte by byte as 3.6 sends them: they must be
    /// skipped, and the fields we read must still come through.
    /// </summary>
    [Fact]
    public void AStatusAnswerFromEtcd36WithFieldsWeDoNotDeclareStillParses()
    {
        var buffer = new MemoryStream();
        var output = new Google.Protobuf.CodedOutputStream(buffer);
        output.WriteTag(3, Google.Protobuf.WireFormat.WireType.Varint); output.WriteInt64(25_165_824);      // dbSize
        output.WriteTag(9, Google.Protobuf.WireFormat.WireType.Varint); output.WriteInt64(8_388_608);       // dbSizeInUse
        output.WriteTag(10, Google.Protobuf.WireFormat.WireType.Varint); output.WriteBool(false);           // isLearner
        output.WriteTag(11, Google.Protobuf.WireFormat.WireType.LengthDelimited); output.WriteString("3.6.0"); // storageVersion (3.6)
        output.WriteTag(12, Google.Protobuf.WireFormat.WireType.Varint); output.WriteInt64(2_147_483_648);  // dbSizeQuota (3.6)
        output.WriteTag(13, Google.Protobuf.WireFormat.WireType.LengthDelimited);                           // downgradeInfo (3.6)
        output.WriteBytes(Google.Protobuf.ByteString.CopyFrom(0x08, 0x01, 0x12, 0x05, (byte)'3', (byte)'.', (byte)'5', (byte)'.', (byte)'0'));
        output.Flush();

        var status = StatusResponse.Parser.ParseFrom(buffer.ToArray());

        Assert.Equal(25_165_824, status.DbSize);
        Assert.Equal(8_388_608, status.DbSizeInUse);
        Assert.Equal(2_147_483_648, status.DbSizeQuota);
    }
}

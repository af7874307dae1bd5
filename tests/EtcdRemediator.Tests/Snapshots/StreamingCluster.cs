using System.Security.Cryptography;
using EtcdRemediator.Etcd.Credentials;
using EtcdRemediator.Snapshots;
using Microsoft.Extensions.Logging.Abstractions;

namespace EtcdRemediator.Tests.Snapshots;

/// <summary>A cluster named "lab" whose only skill is streaming the bytes it was given as a snapshot.</summary>
/// <param name="before">Awaited before the first byte: a member that holds the stream open until told.</param>
internal sealed class StreamingCluster(byte[] stream, int chunk = 32 * 1024, Func<CancellationToken, Task>? before = null) : IEtcdCluster
{
    public static readonly EtcdMember Member = new(0xabc, "m1", MemberAddress.ClientUrl("http://127.0.0.1:2379"), false);

    public static SnapshotStore Store(string directory, TimeProvider time, int retain = 5) => new(
        Options.Create(new RemediatorOptions { Snapshots = new SnapshotOptions { Directory = directory, Retain = retain } }),
        time, NullLogger<SnapshotStore>.Instance);

    /// <summary>etcd's format: the database bytes followed by their sha256; <paramref name="cut"/> drops bytes from the end.</summary>
    public static byte[] EtcdStream(int size, int cut = 0, bool corrupt = false)
    {
        var db = RandomNumberGenerator.GetBytes(size);
        var stream = db.Concat(SHA256.HashData(db)).ToArray();
        if (corrupt) stream[size / 2] ^= 0xFF;
        return stream[..^cut];
    }

    public string Name => "lab";
    public IReadOnlyList<string> Endpoints => [];
    public string Backend => "test";
    public IKeyValueAccess? KeyValue => null;

    public async Task<SnapshotStreamInfo> SnapshotAsync(EtcdMember member, Stream destination, TimeSpan stallTimeout, CancellationToken cancellationToken)
    {
        if (before is not null) await before(cancellationToken);
        for (var offset = 0; offset < stream.Length; offset += chunk)
            await destination.WriteAsync(stream.AsMemory(offset, Math.Min(chunk, stream.Length - offset)), cancellationToken);
        return new SnapshotStreamInfo(member.Id, 0, stream.Length, null);
    }

    public Task<IReadOnlyList<EtcdMember>> ListMembersAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<MemberStatus> GetStatusAsync(EtcdMember member, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<IReadOnlyList<EtcdAlarm>> ListAlarmsAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task DisarmAsync(EtcdAlarm alarm, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task DefragmentAsync(EtcdMember member, TimeSpan timeout, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<Handover> MoveLeadershipAsync(EtcdMember leader, EtcdMember preferred, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<long?> ReadQuotaAsync(EtcdMember member, CancellationToken cancellationToken) => Task.FromResult<long?>(null);
    public EtcdMember? SuccessorOf(EtcdMember leader, EtcdMember preferred, IReadOnlyList<EtcdMember> members) => preferred;
    public CredentialException? CredentialProblem() => null;
    public ulong? ClusterId => null;
}

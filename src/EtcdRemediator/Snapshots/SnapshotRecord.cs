namespace EtcdRemediator.Snapshots;

/// <summary>A verified snapshot: where it is, which member it came from, at what revision, its size and sha256.</summary>
/// <param name="Sha256">The whole file's sha256, as <c>sha256sum</c> prints it (runs recorded before
/// <paramref name="EtcdHashVerified"/> existed hold etcd's trailer hash here).</param>
/// <param name="ModifiedAt">The file's modification time once verified: a change since means it must be hashed again.</param>
/// <param name="CheckedAt">When the run last found it still the verified file (before each member, and at the end).</param>
/// <param name="EtcdHashVerified">etcd's own check passed: the last 32 bytes are the sha256 of the rest. Null in older runs' records.</param>
internal sealed record SnapshotRecord(string Path, string Member, long? Revision, long Bytes, string Sha256,
    DateTimeOffset? ModifiedAt = null, DateTimeOffset? CheckedAt = null, bool? EtcdHashVerified = null);

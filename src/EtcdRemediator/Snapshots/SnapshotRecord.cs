namespace EtcdRemediator.Snapshots;

/// <summary>A verified snapshot: where it is, which member it came from, at what revision, its size and sha256.</summary>
/// <param name="ModifiedAt">The file's modification time once verified: a change since means it must be hashed again.</param>
/// <param name="CheckedAt">When the run last found it still the verified file (before each member, and at the end).</param>
internal sealed record SnapshotRecord(string Path, string Member, long? Revision, long Bytes, string Sha256,
    DateTimeOffset? ModifiedAt = null, DateTimeOffset? CheckedAt = null);

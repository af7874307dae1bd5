namespace EtcdRemediator.Snapshots;

/// <summary>A verified snapshot: where it is, which member it came from, at what revision, its size and sha256.</summary>
internal sealed record SnapshotRecord(string Path, string Member, long? Revision, long Bytes, string Sha256);

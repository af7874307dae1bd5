using System.Globalization;
using System.Text.Json;
using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd;
using EtcdRemediator.Storage;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Snapshots;

internal sealed class SnapshotException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Snapshots in <c>&lt;dir&gt;/&lt;cluster&gt;/</c>: streamed to a <c>.part</c> file, verified against
/// etcd's sha256 trailer, fsynced, renamed, described by a JSON sidecar, the newest N kept.
/// A file without <c>.part</c> is always a complete, verified snapshot.
/// </summary>
internal sealed class SnapshotStore(IOptions<RemediatorOptions> options, TimeProvider time, ILogger<SnapshotStore> logger)
{
    private const string Extension = ".db";
    private const string Partial = ".part";

    private SnapshotOptions Settings => options.Value.Snapshots;

    public string DirectoryFor(string cluster) => Path.GetFullPath(Path.Combine(Settings.Directory, cluster));

    /// <param name="corruptAlarm">The cluster had a CORRUPT alarm when this was taken: recorded in the
    /// sidecar, so that retention never lets such snapshots push the last good ones out.</param>
    public async Task<SnapshotRecord> SaveAsync(IEtcdCluster cluster, EtcdMember member, long expectedBytes, bool corruptAlarm,
        CancellationToken cancellationToken)
    {
        var directory = DirectoryFor(cluster.Name);
        CreatePrivateDirectory(Path.GetFullPath(Settings.Directory));
        CreatePrivateDirectory(directory);
        using var room = Reserve(directory, expectedBytes);

        var stamp = time.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'.'fff'Z'", CultureInfo.InvariantCulture);
        var final = Path.Combine(directory, $"{cluster.Name}-{stamp}-{member.HexId}{Extension}");
        var part = final + Partial;
        try
        {
            // etcd 3.5+ puts the snapshot's revision in the stream's first header; 3.4 does not, so
            // the revision read just before streaming stands in (the snapshot holds at least that).
            // Through Talos there is no revision to read.
            long? revisionBefore = cluster.KeyValue is { } keys ? await keys.GetRevisionAsync(cancellationToken) : null;
            SnapshotStreamInfo info;
            string sha256;
            // Snapshots hold every Secret of a Kubernetes cluster: readable by the service's user only.
            await using (var file = PrivateFile.Open(part, FileMode.CreateNew, FileAccess.Write, bufferSize: 1 << 20))
            await using (var verifying = new TrailerVerifyingStream(file, room.Bytes))
            {
                using (var behind = new WriteBehindStream(verifying))
                {
                    info = await cluster.SnapshotAsync(member, behind, Settings.StallTimeout, cancellationToken);
                    await behind.CompleteAsync();
                }
                if (!verifying.Verify(out sha256))
                    throw new SnapshotException($"snapshot from member {member.HexId} failed verification: {verifying.BytesWritten} bytes " +
                        $"whose last 32 are not the sha256 of the rest (truncated or corrupted stream)");
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }
            File.Move(part, final);
            var revision = info.Revision is > 0 ? info.Revision : revisionBefore; // a header of 0 says nothing either
            var written = new FileInfo(final);
            var record = new SnapshotRecord(final, member.HexId, revision, written.Length, sha256, written.LastWriteTimeUtc, time.GetUtcNow(),
                EtcdHashVerified: true);
            await WritePrivateAsync(final + ".json", JsonSerializer.Serialize(new SnapshotSidecar(
                SidecarMark, cluster.Name, info.ClusterId is { } id ? MemberId.ToHex(id) : null, member.HexId, member.Name,
                member.Address.Value, revision, record.Bytes, sha256, record.EtcdHashVerified, info.Version, time.GetUtcNow(), corruptAlarm),
                SnapshotJson.Default.SnapshotSidecar), cancellationToken);
            Prune(directory, cluster.Name, final);
            return record;
        }
        catch (Exception e)
        {
            TryDelete(part);
            if (e is SnapshotException or OperationCanceledException) throw;
            throw new SnapshotException($"snapshot from member {member.HexId} failed: {EtcdErrors.Describe(e)}", e);
        }
    }

    /// <summary>Left over by a process that died mid-stream: never a snapshot, so removed at start-up.</summary>
    public int RemovePartials()
    {
        if (!Directory.Exists(Settings.Directory)) return 0;
        var partials = Directory.GetFiles(Settings.Directory, "*" + Partial, SearchOption.AllDirectories);
        foreach (var partial in partials)
        {
            logger.LogWarning("Removing incomplete snapshot {Path} left by an interrupted run", partial);
            TryDelete(partial);
        }
        return partials.Length;
    }

    /// <summary>
    /// Why <paramref name="cluster"/>'s snapshots are of another etcd cluster than <paramref name="clusterId"/>
    /// (the newest of ours that records one says so), or null. A rebuilt cluster is a new cluster: its
    /// old snapshots would restore the old one, and a configuration that now points elsewhere is as likely.
    /// </summary>
    public string? OtherClusterIn(string cluster, ulong clusterId)
    {
        var directory = DirectoryFor(cluster);
        if (!Directory.Exists(directory)) return null;
        var newest = Directory.GetFiles(directory, "*" + Extension).Select(path => Ours(path, cluster))
            .Where(s => s?.ClusterId is not null).MaxBy(s => s!.TakenAt);
        if (newest?.ClusterId is not { } recorded || recorded == MemberId.ToHex(clusterId)) return null;
        return $"'{cluster}' now answers as etcd cluster {MemberId.ToHex(clusterId)}, but its snapshots are of cluster {recorded} " +
               $"(newest: {newest.Path}). A rebuilt cluster is a new cluster: if that is what happened, " +
               $"move the old snapshots out of {directory} (they restore the old one) and run again; " +
               "otherwise check the configured endpoints";
    }

    /// <summary>
    /// "No verified snapshot, no defrag" holds before every member, not once: the run's snapshot must still be the
    /// file it verified. Present and of the same length, and either untouched since (its modification time) or, when
    /// it was touched, still hashing to what was verified (read again whole). Answers why not, or null, and the
    /// record with the time it was checked.
    /// </summary>
    public async Task<(string? Problem, SnapshotRecord Snapshot)> CheckAsync(SnapshotRecord snapshot, CancellationToken cancellationToken)
    {
        var file = new FileInfo(snapshot.Path);
        var checkedNow = snapshot with { CheckedAt = time.GetUtcNow() };
        if (!file.Exists) return ($"the run's snapshot {snapshot.Path} is no longer on disk", snapshot);
        if (file.Length != snapshot.Bytes)
            return ($"the run's snapshot {snapshot.Path} is now {file.Length} bytes, not the {snapshot.Bytes} verified", snapshot);
        if (snapshot.ModifiedAt is { } verifiedAt && file.LastWriteTimeUtc == verifiedAt.UtcDateTime) return (null, checkedNow);
        logger.LogWarning("Snapshot {Path} was modified after it was verified ({Then:O} -> {Now:O}): hashing it again",
            snapshot.Path, snapshot.ModifiedAt, file.LastWriteTimeUtc);
        // The whole file's hash against the whole file's hash verified; null when etcd's trailer no longer verifies.
        var sha256 = await TrailerVerifyingStream.HashAsync(snapshot.Path, cancellationToken);
        return sha256 == snapshot.Sha256
            ? (null, checkedNow with { ModifiedAt = file.LastWriteTimeUtc })
            : ($"the run's snapshot {snapshot.Path} changed after it was verified: it now hashes to {Short(sha256)}, " +
               $"not the verified {Short(snapshot.Sha256)}", snapshot);
    }

    private static string Short(string? sha256) => sha256 is null ? "nothing (its trailer is not its sha256)" : $"{sha256[..12]}…";

    public IReadOnlyList<string> List(string cluster) =>
        Directory.Exists(DirectoryFor(cluster))
            ? [.. Directory.GetFiles(DirectoryFor(cluster), "*" + Extension).Order(StringComparer.Ordinal)]
            : [];

    private readonly Lock _room = new();
    private long _reserved;

    /// <summary>
    /// Room for one snapshot, held until it is written: snapshots of two clusters at once must both
    /// fit, not each pass the same free-space check. The member's dbSize bounds the stream; 10 % and
    /// 16 MiB of headroom allow for growth since it was read, and the stream may not pass that.
    /// </summary>
    private Reservation Reserve(string directory, long expectedBytes)
    {
        var needed = expectedBytes + expectedBytes / 10 + (16L << 20);
        lock (_room)
        {
            var available = new DriveInfo(directory).AvailableFreeSpace - _reserved;
            if (available < needed)
                throw new SnapshotException($"not enough free space in {directory} for a snapshot: {available} bytes free" +
                    (_reserved > 0 ? $" besides the {_reserved} held for snapshots under way" : "") + $", {needed} needed");
            _reserved += needed;
        }
        return new Reservation(this, needed);
    }

    private sealed class Reservation(SnapshotStore store, long bytes) : IDisposable
    {
        public long Bytes => bytes;

        public void Dispose()
        {
            lock (store._room) store._reserved -= bytes;
        }
    }

    /// <summary>What the service writes into every sidecar: retention counts only files that carry it.</summary>
    private const string SidecarMark = "etcd-remediator";

    private void Prune(string directory, string cluster, string justTaken)
    {
        var ours = Directory.GetFiles(directory, "*" + Extension).Select(path => Ours(path, cluster)).OfType<KeptSnapshot>().ToList();
        var now = time.GetUtcNow();
        foreach (var future in ours.Where(s => s.TakenAt > now))
            logger.LogWarning("Retention: snapshot {Path} records {TakenAt:O}, later than now: counted as the oldest (was the clock ahead?)",
                future.Path, future.TakenAt);
        foreach (var old in SnapshotRetention.ToDelete(ours, Settings.Retain, protect: justTaken, now: now))
        {
            logger.LogInformation("Retention: removing snapshot {Path}", old);
            TryDelete(old);
            TryDelete(old + ".json");
        }
    }

    /// <summary>
    /// The snapshot as retention sees it, when its sidecar says the service wrote it for this cluster
    /// and when; anything else (a hand-made copy, a file without a readable sidecar) is not ours: null.
    /// </summary>
    private static KeptSnapshot? Ours(string snapshot, string cluster)
    {
        try
        {
            using var sidecar = JsonDocument.Parse(File.ReadAllText(snapshot + ".json"));
            var root = sidecar.RootElement;
            // Sidecars from before `writtenBy` carry the same cluster, time and sha256: ours too. Those from before
            // `etcdHashVerified` hold etcd's trailer hash as `sha256`: retention reads neither hash, so they count alike.
            if (root.TryGetProperty("writtenBy", out var by) && by.GetString() != SidecarMark
                || !root.TryGetProperty("sha256", out _)
                || !root.TryGetProperty("cluster", out var name) || name.GetString() != cluster
                || !root.TryGetProperty("time", out var at) || !at.TryGetDateTimeOffset(out var takenAt))
                return null;
            var corrupt = root.TryGetProperty("corruptAlarm", out var flag) && flag.ValueKind == JsonValueKind.True;
            var clusterId = root.TryGetProperty("clusterId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
            return new KeptSnapshot(snapshot, !corrupt, takenAt, clusterId);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or InvalidOperationException)
        {
            return null;
        }
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(path);
        else Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static async Task WritePrivateAsync(string path, string text, CancellationToken cancellationToken)
    {
        await using var file = PrivateFile.Open(path, FileMode.Create, FileAccess.Write);
        await file.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), cancellationToken);
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

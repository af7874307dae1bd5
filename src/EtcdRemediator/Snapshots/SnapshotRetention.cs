namespace EtcdRemediator.Snapshots;

/// <summary>
/// One snapshot the service wrote, as retention sees it: its path, the time its sidecar records (not
/// its file name: a clock that was once ahead names files from the future), and whether the cluster
/// was free of a CORRUPT alarm when it was taken.
/// </summary>
/// <param name="ClusterId">The etcd cluster id the sidecar records (hex), where it records one.</param>
internal sealed record KeptSnapshot(string Path, bool TakenWithoutCorruptAlarm, DateTimeOffset TakenAt, string? ClusterId = null);

/// <summary>
/// Pure: which snapshots go. Only the service's own snapshots are counted (a file without our sidecar
/// is never touched). The newest <c>retain</c> by recorded time stay, and so do the newest <c>retain</c>
/// taken while the cluster had no CORRUPT alarm (snapshots taken during a corruption must never push
/// the last good ones out), and so does the protected one: the snapshot the running run just
/// took, which its defragments rely on, whatever the others say about their time. A time recorded
/// later than <c>now</c> (a clock that was once ahead) counts as the oldest: else those snapshots
/// would push every real one out until their date came.
/// </summary>
internal static class SnapshotRetention
{
    public static IReadOnlyList<string> ToDelete(IReadOnlyList<KeptSnapshot> snapshots, int retain, string? protect = null,
        DateTimeOffset? now = null)
    {
        var newestFirst = snapshots.OrderByDescending(s => s.TakenAt > now ? DateTimeOffset.MinValue : s.TakenAt)
            .ThenByDescending(s => s.Path, StringComparer.Ordinal).ToList();
        var keep = newestFirst.Take(retain)
            .Concat(newestFirst.Where(s => s.TakenWithoutCorruptAlarm).Take(retain))
            .Select(s => s.Path)
            .Append(protect)
            .OfType<string>()
            .ToHashSet(StringComparer.Ordinal);
        return [.. newestFirst.Select(s => s.Path).Where(p => !keep.Contains(p))];
    }
}

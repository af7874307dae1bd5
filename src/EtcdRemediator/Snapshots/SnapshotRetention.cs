namespace EtcdRemediator.Snapshots;

/// <summary>One snapshot file as retention sees it, newest first by name (names start with the time).</summary>
public sealed record KeptSnapshot(string Path, bool TakenWithoutCorruptAlarm);

/// <summary>
/// Pure: which snapshots go. The newest <c>retain</c> stay, and so do the newest <c>retain</c> taken
/// while the cluster had no CORRUPT alarm: snapshots taken during a corruption must never push the
/// last good ones out, however many runs follow.
/// </summary>
public static class SnapshotRetention
{
    public static IReadOnlyList<string> ToDelete(IReadOnlyList<KeptSnapshot> newestFirst, int retain)
    {
        var keep = newestFirst.Take(retain)
            .Concat(newestFirst.Where(s => s.TakenWithoutCorruptAlarm).Take(retain))
            .Select(s => s.Path)
            .ToHashSet(StringComparer.Ordinal);
        return [.. newestFirst.Select(s => s.Path).Where(p => !keep.Contains(p))];
    }
}

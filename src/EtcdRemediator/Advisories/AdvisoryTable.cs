namespace EtcdRemediator.Advisories;

/// <summary>
/// etcd releases whose defragmentation is known to be unsafe, read from etcd's own change logs
/// (CHANGELOG/CHANGELOG-3.x.md in etcd-io/etcd) and the pull requests they link. A row is here only
/// when a fix names defragmentation and a member being defragmented can lose or corrupt data, or
/// crash, through it. Left out on purpose: "Defrag unsets backend options" (3.4.19, 3.5.3; PRs 13713,
/// 13701): after a defrag the member runs with bbolt's default options until it restarts, which costs
/// speed, not data.
/// </summary>
internal static class AdvisoryTable
{
    private const string ChangeLog = "https://github.com/etcd-io/etcd/blob/main/CHANGELOG/CHANGELOG-";

    public static readonly IReadOnlyList<EtcdAdvisory> All =
    [
        new("defrag-corruption",
            "defragmentation can corrupt the member's database file (fixed by etcd PR 11613)",
            [AffectedRange.Below("3.2.29"), AffectedRange.Below("3.3.19"), AffectedRange.Below("3.4.4")],
            ["https://github.com/etcd-io/etcd/pull/11613", ChangeLog + "3.4.md", ChangeLog + "3.3.md", ChangeLog + "3.2.md"]),
        new("defrag-crash-revision-inconsistency",
            "a member that crashes while it defragments has not saved its consistent index, re-applies entries on restart and its " +
            "revision then differs from the other members'",
            [AffectedRange.Below("3.5.6")],
            ["https://github.com/etcd-io/etcd/pull/14733", "https://github.com/etcd-io/etcd/pull/14685", ChangeLog + "3.5.md"]),
        new("defrag-error-panic",
            "an error during defragmentation (such as the disk filling up while the copy is written) panics the member instead of " +
            "failing the call, and leaves the temporary file behind",
            [AffectedRange.Below("3.4.35"), AffectedRange.Below("3.5.17")],
            ["https://github.com/etcd-io/etcd/pull/18822", "https://github.com/etcd-io/etcd/pull/18843", "https://github.com/etcd-io/etcd/pull/18842",
             "https://github.com/etcd-io/etcd/pull/18855", ChangeLog + "3.4.md", ChangeLog + "3.5.md"]),
        new("defrag-apply-snapshot-race",
            "a member that applies a snapshot from the leader (a follower that fell behind) while it defragments can corrupt its data",
            [AffectedRange.Below("3.4.38"), AffectedRange.Below("3.5.23"), AffectedRange.Below("3.6.5")],
            ["https://github.com/etcd-io/etcd/pull/20553", "https://github.com/etcd-io/etcd/pull/20659", "https://github.com/etcd-io/etcd/pull/20653",
             "https://github.com/etcd-io/etcd/pull/20650", ChangeLog + "3.4.md", ChangeLog + "3.5.md", ChangeLog + "3.6.md"]),
    ];

    public static EtcdAdvisory? Find(string id) => All.FirstOrDefault(a => a.Id.Equals(id.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The advisories that cover a member reporting <paramref name="version"/>; none for a version that cannot be read.</summary>
    public static IReadOnlyList<EtcdAdvisory> Affecting(string? version) =>
        EtcdVersion.TryParse(version, out var v) ? [.. All.Where(a => a.RangeOf(v) is not null)] : [];
}

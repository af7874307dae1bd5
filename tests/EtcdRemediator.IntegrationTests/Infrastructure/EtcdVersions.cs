namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// The whole suite runs on etcd 3.5, as users run it; on 3.4 (end of life since June 2026, Debian bookworm's 3.4.23)
/// scripts/test.sh runs only the classes marked <c>[Trait(EtcdVersions.Trait, EtcdVersions.DiffersByVersion)]</c>:
/// what 3.4 does differently (the snapshot stream's header, the quota only on the metrics page, the defrag routine,
/// NOSPACE and compaction, member faults, cluster and member ids in answers, advisories). docs/compatibility.md lists them.
/// </summary>
public static class EtcdVersions
{
    public const string Trait = "etcd";
    public const string DiffersByVersion = "by-version";
}

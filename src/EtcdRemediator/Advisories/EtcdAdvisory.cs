namespace EtcdRemediator.Advisories;

/// <summary>The releases of one series an advisory covers: from <see cref="From"/> up to, not including, <see cref="FixedIn"/>.</summary>
internal sealed record AffectedRange(EtcdVersion From, EtcdVersion FixedIn)
{
    public bool Covers(EtcdVersion v) => v.Series == From.Series && v >= From && v < FixedIn;

    public static AffectedRange Below(string fixedIn)
    {
        var fixedVersion = EtcdVersion.Parse(fixedIn);
        return new AffectedRange(fixedVersion with { Patch = 0 }, fixedVersion);
    }
}

/// <summary>
/// A known defect of etcd's defragmentation (or of what runs beside it) that makes defragmenting a
/// member on an affected release unsafe. <see cref="Id"/> is what an operator writes in
/// <c>Clusters:N:AcceptedAdvisories</c>; <see cref="Sources"/> are where the facts come from.
/// </summary>
internal sealed record EtcdAdvisory(string Id, string Summary, IReadOnlyList<AffectedRange> Affected, IReadOnlyList<string> Sources)
{
    public AffectedRange? RangeOf(EtcdVersion version) => Affected.FirstOrDefault(r => r.Covers(version));

    /// <summary>The first release of the member's own series that has the fix ("3.4.35").</summary>
    public string? FixedFor(EtcdVersion version) => RangeOf(version)?.FixedIn.ToString();
}

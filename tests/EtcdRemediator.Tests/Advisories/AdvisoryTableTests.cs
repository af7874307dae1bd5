using EtcdRemediator.Advisories;

namespace EtcdRemediator.Tests.Advisories;

public sealed class AdvisoryTableTests
{
    public static TheoryData<string, string[]> Releases => new()
    {
        { "3.2.28", ["defrag-corruption"] },
        { "3.2.29", [] },
        { "3.3.18", ["defrag-corruption"] },
        { "3.3.19", [] },
        { "3.4.3", ["defrag-corruption", "defrag-error-panic", "defrag-apply-snapshot-race"] },
        { "3.4.4", ["defrag-error-panic", "defrag-apply-snapshot-race"] },
        // Debian bookworm's etcd-server, the tests' 3.4 pass.
        { "3.4.23", ["defrag-error-panic", "defrag-apply-snapshot-race"] },
        { "3.4.35", ["defrag-apply-snapshot-race"] },
        { "3.4.38", [] },
        { "3.5.0", ["defrag-crash-revision-inconsistency", "defrag-error-panic", "defrag-apply-snapshot-race"] },
        { "3.5.5", ["defrag-crash-revision-inconsistency", "defrag-error-panic", "defrag-apply-snapshot-race"] },
        { "3.5.6", ["defrag-error-panic", "defrag-apply-snapshot-race"] },
        { "3.5.16", ["defrag-error-panic", "defrag-apply-snapshot-race"] },
        { "3.5.17", ["defrag-apply-snapshot-race"] },
        { "3.5.22", ["defrag-apply-snapshot-race"] },
        { "3.5.23", [] },
        // Debian trixie/sid's etcd-server, the tests' 3.5 pass.
        { "3.5.30", [] },
        { "3.6.0-rc.0", ["defrag-apply-snapshot-race"] },
        { "3.6.4", ["defrag-apply-snapshot-race"] },
        { "3.6.5", [] },
        { "v3.7.0", [] },
        { "", [] },
        { "not a version", [] },
    };

    [Theory]
    [MemberData(nameof(Releases))]
    public void EachReleaseIsCoveredByExactlyTheAdvisoriesOfItsRange(string release, string[] expected)
    {
        Assert.Equal(expected, AdvisoryTable.Affecting(release).Select(a => a.Id));
    }

    [Theory]
    [InlineData("3.4.23", "defrag-error-panic", "3.4.35")]
    [InlineData("3.4.23", "defrag-apply-snapshot-race", "3.4.38")]
    [InlineData("3.5.2", "defrag-crash-revision-inconsistency", "3.5.6")]
    [InlineData("3.3.10", "defrag-corruption", "3.3.19")]
    [InlineData("3.2.1", "defrag-corruption", "3.2.29")]
    [InlineData("3.6.0", "defrag-apply-snapshot-race", "3.6.5")]
    public void TheFixedReleaseIsTheFirstOfTheMembersOwnSeries(string release, string advisory, string fixedIn)
    {
        Assert.Equal(fixedIn, AdvisoryTable.Find(advisory)!.FixedFor(EtcdVersion.Parse(release)));
    }

    [Fact]
    public void EveryRowHasAUniqueIdAndSourcesInEtcdsOwnRepository()
    {
        Assert.Equal(AdvisoryTable.All.Count, AdvisoryTable.All.Select(a => a.Id).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(AdvisoryTable.All, a =>
        {
            Assert.NotEmpty(a.Sources);
            Assert.All(a.Sources, s => Assert.StartsWith("https://github.com/etcd-io/etcd/", s, StringComparison.Ordinal));
            Assert.Contains(a.Sources, s => s.Contains("/pull/", StringComparison.Ordinal));
            Assert.NotEmpty(a.Affected);
        });
    }

    [Theory]
    [InlineData("3.5.13", 3, 5, 13)]
    [InlineData("v3.6.0-rc.1", 3, 6, 0)]
    [InlineData(" 3.4.23 ", 3, 4, 23)]
    public void ReleasesAreReadAsEtcdPrintsThem(string text, int major, int minor, int patch)
    {
        Assert.True(EtcdVersion.TryParse(text, out var v));
        Assert.Equal(new EtcdVersion(major, minor, patch), v);
    }

    [Fact]
    public void IdsAreFoundWhateverTheirCase()
    {
        Assert.Same(AdvisoryTable.Find("defrag-error-panic"), AdvisoryTable.Find(" Defrag-Error-Panic "));
        Assert.Null(AdvisoryTable.Find("defrag-typo"));
    }
}

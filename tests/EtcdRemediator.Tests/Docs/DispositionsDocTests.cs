using System.Text.RegularExpressions;
using EtcdRemediator.Tests.Architecture;

namespace EtcdRemediator.Tests.Docs;

/// <summary>
/// docs/http-api.md's table of dispositions is the list a caller scripts against: it must name every disposition the
/// service answers, spelled as on the wire, and nothing it never answers (a new enum value fails here until documented).
/// </summary>
public sealed partial class DispositionsDocTests
{
    [GeneratedRegex(@"^\| `([a-z-]+)` \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();

    [GeneratedRegex("(?<!^)([A-Z])")]
    private static partial Regex InnerCapital();

    private static IReadOnlyList<string> Documented()
    {
        var text = File.ReadAllText(Path.Combine(LineLengthTests.RepositoryRoot(), "docs", "http-api.md"));
        var start = text.IndexOf("\n## Dispositions", StringComparison.Ordinal);
        Assert.True(start >= 0, "docs/http-api.md has no '## Dispositions' section");
        var end = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        var section = end < 0 ? text[start..] : text[start..end];
        return [.. TableRow().Matches(section).Select(m => m.Groups[1].Value)];
    }

    [Fact]
    public void TheDocumentedDispositionsAreExactlyTheOnesTheServiceAnswers() =>
        Assert.Equal(Dispositions.AllNames.Order(StringComparer.Ordinal), Documented().Order(StringComparer.Ordinal));

    [Fact]
    public void EveryDispositionOfTheEnumIsOnTheWireAsItsNameInKebabCase() =>
        Assert.All(Enum.GetValues<Disposition>(), d =>
            Assert.Equal(InnerCapital().Replace(d.ToString(), "-$1").ToLowerInvariant(), d.ToName()));

    [Fact]
    public void ADryRunIsNotSaidToHaveStarted() => Assert.Equal("dry-run", Disposition.DryRun.ToName());
}

using System.Text.RegularExpressions;
using EtcdRemediator.Tests.Architecture;

namespace EtcdRemediator.Tests.Docs;

/// <summary>
/// docs/runbook.md puts what the service prints in double quotes (outside code): each quote, split where an
/// ellipsis (…) stands for a value, must be found in the service's own C#, so that the runbook cannot drift
/// from the service's words. The C# is read as text: comment lines left out, concatenated literals joined.
/// </summary>
public sealed partial class RunbookStringsTests
{
    [GeneratedRegex("```.*?```", RegexOptions.Singleline)]
    private static partial Regex CodeBlocks();

    [GeneratedRegex("`[^`]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex("\"([^\"]+)\"")]
    private static partial Regex Quoted();

    /// <summary><c>"… " +</c> then <c>$"…"</c> on the next line: one message in the source, one in what it prints.</summary>
    [GeneratedRegex("\"\\s*\\+\\s*\\$?@?\"")]
    private static partial Regex Concatenation();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    private static IReadOnlyList<string> QuotesIn(string markdown)
    {
        var prose = InlineCode().Replace(CodeBlocks().Replace(markdown, ""), "");
        return [.. Quoted().Matches(prose).Select(m => Whitespace().Replace(m.Groups[1].Value, " "))];
    }

    private static string ServiceText()
    {
        var lines = LineLengthTests.ServiceSourceFiles().SelectMany(File.ReadLines)
            .Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal));
        return Concatenation().Replace(string.Join("\n", lines), "");
    }

    [Fact]
    public void EveryMessageTheRunbookQuotesIsTextTheServicePrints()
    {
        var quotes = QuotesIn(File.ReadAllText(Path.Combine(LineLengthTests.RepositoryRoot(), "docs", "runbook.md")));
        Assert.True(quotes.Count >= 5, $"found only {quotes.Count} quotes: {string.Join(" | ", quotes)}");
        var source = ServiceText();

        var unknown = quotes.Where(q => q.Split('…').Select(p => p.Trim()).Any(p => p.Length > 0 && !source.Contains(p, StringComparison.Ordinal)));

        Assert.Empty(unknown);
    }

    [Fact]
    public void AQuoteTheServiceNeverPrintsIsFound()
    {
        var quotes = QuotesIn("""
            If the run fails with "the data itself is too large", or `"force": true` in code, or "the data in use is over":
            ```sh
            echo "not a quote"
            ```
            """);

        Assert.Equal(["the data itself is too large", "the data in use is over"], quotes);
        Assert.DoesNotContain("the data itself is too large", ServiceText());
        Assert.Contains("the data in use is over", ServiceText());
    }
}

using System.Text.RegularExpressions;

namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>
/// The README is a front door and docs/ the manual (#35): the README stays short, every relative link
/// in it and in docs/ leads to a file that exists (and a link to a heading, to a heading that exists,
/// slugged as GitHub slugs it), and docs/architecture.md's layout table names exactly the folders of
/// the service. Reads files only: no etcd.
/// </summary>
public sealed partial class DocsTests
{
    private const int MaxReadmeLines = 250;
    private const int MaxApiTableCell = 300;

    public static TheoryData<string> Pages => [.. RepoFiles.DocPages];

    [Fact]
    public async Task TheReadmeIsAtMost250Lines()
    {
        var lines = await File.ReadAllLinesAsync(RepoFiles.Path("README.md"));

        Assert.True(lines.Length <= MaxReadmeLines, $"README.md has {lines.Length} lines; the front door holds at most {MaxReadmeLines}: move the rest to docs/");
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task EveryRelativeLinkOfAPageLeadsToAFileAndHeadingThatExist(string page)
    {
        var text = await File.ReadAllTextAsync(RepoFiles.Path(page));
        var folder = Path.GetDirectoryName(RepoFiles.Path(page))!;

        var broken = new List<string>();
        foreach (var target in RelativeLinks(text))
        {
            var hash = target.IndexOf('#', StringComparison.Ordinal);
            var file = Uri.UnescapeDataString(hash < 0 ? target : target[..hash]);
            var anchor = hash < 0 ? null : target[(hash + 1)..];
            var path = file.Length == 0 ? RepoFiles.Path(page) : Path.GetFullPath(Path.Combine(folder, file));

            if (!File.Exists(path) && !Directory.Exists(path))
                broken.Add($"({target}): no such file");
            else if (anchor is not null && path.EndsWith(".md", StringComparison.Ordinal)
                     && !HeadingSlugs(await File.ReadAllTextAsync(path)).Contains(anchor))
                broken.Add($"({target}): no such heading in {Path.GetRelativePath(RepoFiles.Root, path).Replace('\\', '/')}");
        }

        Assert.True(broken.Count == 0, $"{page}: {broken.Count} broken link(s):{Environment.NewLine}{string.Join(Environment.NewLine, broken)}");
    }

    /// <summary>The slugs are GitHub's: what the links above are checked against must be what a reader's click finds.</summary>
    [Theory]
    [InlineData("What a run does", "what-a-run-does")]
    [InlineData("A cluster's status", "a-clusters-status")]
    [InlineData("Metrics: the watch, or etcd's own", "metrics-the-watch-or-etcds-own")]
    [InlineData("A Talos homelab, from `talosctl gen config` to a first defrag", "a-talos-homelab-from-talosctl-gen-config-to-a-first-defrag")]
    [InlineData("The coordinator: one owner, a pure state machine", "the-coordinator-one-owner-a-pure-state-machine")]
    [InlineData("See [the API](http-api.md) for more_details", "see-the-api-for-more_details")]
    public void AHeadingIsSluggedAsGitHubSlugsIt(string heading, string slug) => Assert.Equal(slug, Slug(heading));

    [Fact]
    public void ARepeatedHeadingGetsANumberedSlug() =>
        Assert.Equal(["probes", "probes-1", "probes-2"], HeadingSlugs("## Probes\n\n### Probes\n\n```\n# not a heading\n```\n## Probes\n"));

    [Fact]
    public async Task TheLayoutTableNamesExactlyTheFoldersOfTheService()
    {
        var source = RepoFiles.Path("src", "EtcdRemediator");
        var folders = Directory.GetDirectories(source)
            .SelectMany(d => (string[])[d, .. Directory.GetDirectories(d)])
            .Select(d => Path.GetRelativePath(source, d).Replace('\\', '/'))
            .Where(d => !d.Split('/').Any(part => part is "bin" or "obj"))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Contains("DefragRules", folders);

        var table = Assert.Single(Tables(await File.ReadAllTextAsync(RepoFiles.Path("docs", "architecture.md"))), t => t.Header[0] == "folder");
        var named = table.Rows.Select(r => FolderCell().Match(r[0])).Select(m => m.Success ? m.Groups[1].Value.TrimEnd('/') : "").ToList();

        var missing = folders.Except(named, StringComparer.Ordinal).ToList();
        var extra = named.Except(folders, StringComparer.Ordinal).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && named.Count == folders.Count,
            $"docs/architecture.md's layout table: missing {string.Join(", ", missing)}; not a folder {string.Join(", ", extra)}; rows {named.Count}, folders {folders.Count}");
        Assert.All(table.Rows, r => Assert.False(string.IsNullOrWhiteSpace(r.ElementAtOrDefault(1)), $"{r[0]} says nothing of what it holds"));
    }

    /// <summary>The table that once ran to 1,300 characters a cell is a summary; the detail is prose below it.</summary>
    [Fact]
    public async Task NoCellOfAnHttpApiTableRunsPast300Characters()
    {
        var tables = Tables(await File.ReadAllTextAsync(RepoFiles.Path("docs", "http-api.md")));

        Assert.NotEmpty(tables);
        Assert.All(tables.SelectMany(t => t.Rows).SelectMany(r => r), cell =>
            Assert.True(cell.Length <= MaxApiTableCell, $"{cell.Length} characters: {cell[..Math.Min(cell.Length, 80)]}..."));
    }

    /// <summary>The README's one route is the example's own, line for line (the example is the one amtool and the tests check).</summary>
    [Fact]
    public async Task TheReadmesAlertmanagerRouteIsAnExcerptOfTheExample()
    {
        var readme = await File.ReadAllTextAsync(RepoFiles.Path("README.md"));
        var example = await File.ReadAllLinesAsync(RepoFiles.Path("alertmanager.example.yml"));
        var block = YamlBlock().Match(readme);
        Assert.True(block.Success, "README.md shows no ```yaml block");

        var next = 0;
        foreach (var line in block.Groups[1].Value.Split('\n').Where(l => l.Trim().Length > 0))
        {
            var at = Array.IndexOf(example, line, next);
            Assert.True(at >= 0, $"README's route line '{line}' is not in alertmanager.example.yml (after line {next})");
            next = at + 1;
        }
    }

    /// <summary>Link targets outside code, without a scheme (http:, mailto:): inline links, images and reference definitions.</summary>
    private static IEnumerable<string> RelativeLinks(string markdown)
    {
        var prose = InlineCode().Replace(CodeBlock().Replace(markdown, ""), "");
        return InlineLink().Matches(prose).Select(m => m.Groups[1].Value)
            .Concat(ReferenceDefinition().Matches(prose).Select(m => m.Groups[1].Value))
            .Select(t => t.Trim('<', '>'))
            .Where(t => !Scheme().IsMatch(t));
    }

    /// <summary>The anchors GitHub gives a page's headings (outside code blocks), repeats numbered from 1.</summary>
    private static List<string> HeadingSlugs(string markdown)
    {
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var slugs = new List<string>();
        foreach (Match heading in Heading().Matches(CodeBlock().Replace(markdown, "")))
        {
            var slug = Slug(heading.Groups[1].Value);
            var times = seen.GetValueOrDefault(slug);
            seen[slug] = times + 1;
            slugs.Add(times == 0 ? slug : $"{slug}-{times}");
        }
        return slugs;
    }

    /// <summary>GitHub's slug: the heading's text (a link's text, code without its backticks), lower case, letters, digits, '-' and '_' kept, spaces as '-'.</summary>
    private static string Slug(string heading)
    {
        var slug = new StringBuilder();
        foreach (var c in LinkInText().Replace(heading.Trim(), "$1").ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '-' or '_') slug.Append(c);
            else if (c == ' ') slug.Append('-');
        }
        return slug.ToString();
    }

    private sealed record Table(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows);

    /// <summary>Pipe tables outside code blocks: a header row, a separator row, then rows until the first line that is not one.</summary>
    private static List<Table> Tables(string markdown)
    {
        var lines = CodeBlock().Replace(markdown, "").Split('\n');
        var tables = new List<Table>();
        for (var i = 0; i + 1 < lines.Length; i++)
        {
            if (!lines[i].StartsWith('|') || !Separator().IsMatch(lines[i + 1])) continue;
            var header = Cells(lines[i]);
            var rows = new List<IReadOnlyList<string>>();
            for (i += 2; i < lines.Length && lines[i].StartsWith('|'); i++) rows.Add(Cells(lines[i]));
            tables.Add(new Table(header, rows));
        }
        return tables;
    }

    /// <summary>A row's cells, split at pipes that are not escaped (`\|` stays in its cell).</summary>
    private static List<string> Cells(string row) =>
        [.. CellSplit().Split(row.Trim().Trim('|')).Select(c => c.Trim())];

    [GeneratedRegex(@"^[ \t]*```.*?^[ \t]*```[^\n]*$", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [GeneratedRegex(@"`[^`\n]+`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"!?\[[^\]\n]*\]\(\s*(<[^>\n]+>|[^)\s]+)(?:\s+""[^""\n]*"")?\s*\)")]
    private static partial Regex InlineLink();

    [GeneratedRegex(@"^\s{0,3}\[[^\]\n]+\]:\s*(\S+)", RegexOptions.Multiline)]
    private static partial Regex ReferenceDefinition();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9+.-]*:")]
    private static partial Regex Scheme();

    [GeneratedRegex(@"^#{1,6}[ \t]+(.+?)[ \t]*#*[ \t]*$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex LinkInText();

    [GeneratedRegex(@"^\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")]
    private static partial Regex Separator();

    [GeneratedRegex(@"(?<!\\)\|")]
    private static partial Regex CellSplit();

    [GeneratedRegex(@"^`([^`]+)`$")]
    private static partial Regex FolderCell();

    [GeneratedRegex(@"```yaml\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();
}

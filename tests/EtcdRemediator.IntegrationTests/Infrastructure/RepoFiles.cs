namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>Files shipped at the top of the repository (example configs, rules), found from the test's output folder.</summary>
public static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    /// <summary>What a reader is given: README.md and the pages in docs/, as paths from the root ('/'-separated).</summary>
    public static IReadOnlyList<string> DocPages { get; } =
    [
        "README.md",
        .. Directory.GetFiles(Path("docs"), "*.md")
            .Select(f => System.IO.Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal),
    ];

    /// <summary>Every page of <see cref="DocPages"/> in one text, for what must be said once (or never) anywhere in them.</summary>
    public static async Task<string> ReadAllDocsAsync() =>
        string.Join("\n\n", await Task.WhenAll(DocPages.Select(p => File.ReadAllTextAsync(Path(p)))));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "EtcdRemediator.sln"))) return dir.FullName;
        throw new InvalidOperationException("EtcdRemediator.sln not found above " + AppContext.BaseDirectory);
    }
}

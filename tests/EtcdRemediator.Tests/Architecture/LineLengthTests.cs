namespace EtcdRemediator.Tests.Architecture;

/// <summary>
/// Every line of the service's C# fits in 150 characters, so a diff or a review reads without
/// scrolling sideways. Read from the source tree (found from the test's output folder); generated
/// code under obj/ and build output under bin/ are not ours and are skipped.
/// </summary>
public sealed class LineLengthTests
{
    private const int MaxLength = 150;

    [Fact]
    public void NoLineOfTheServiceIsLongerThan150Characters()
    {
        var root = RepositoryRoot();
        var files = ServiceSourceFiles();

        var offenders = files
            .SelectMany(f => File.ReadLines(f).Select((line, i) => (File: f, Line: i + 1, line.Length)))
            .Where(x => x.Length > MaxLength)
            .Select(x => $"{Path.GetRelativePath(root, x.File).Replace('\\', '/')}:{x.Line} ({x.Length} characters)")
            .ToList();
        Assert.True(offenders.Count == 0,
            $"{offenders.Count} line(s) longer than {MaxLength} characters:{Environment.NewLine}{string.Join(Environment.NewLine, offenders)}");
    }

    /// <summary>The service's own C# files (not obj/ or bin/), in a stable order.</summary>
    internal static IReadOnlyList<string> ServiceSourceFiles()
    {
        var source = Path.Combine(RepositoryRoot(), "src", "EtcdRemediator");
        var files = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => !Path.GetRelativePath(source, f).Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar)
                .Any(part => part is "obj" or "bin"))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.True(files.Count > 50, $"found only {files.Count} C# files under {source}");
        return files;
    }

    internal static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "EtcdRemediator.sln"))) return dir.FullName;
        throw new InvalidOperationException("EtcdRemediator.sln not found above " + AppContext.BaseDirectory);
    }
}

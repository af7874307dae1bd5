using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace EtcdRemediator.IntegrationTests.Deploy;

/// <summary>
/// What goes into the build (#25 finding 13): packages restored from lock files in locked mode,
/// base images by exact version, prereleases only where docs/kubernetes.md ("Supply chain") names them.
/// </summary>
public sealed partial class SupplyChainTests
{
    [Fact]
    public async Task EveryProjectHasALockFileAndEveryRestoreIsLocked()
    {
        var solution = await File.ReadAllTextAsync(RepoFiles.Path("EtcdRemediator.sln"));
        var projects = SolutionProject().Matches(solution).Select(m => m.Groups[1].Value.Replace('\\', '/')).ToList();
        Assert.NotEmpty(projects);
        Assert.All(projects, p => Assert.True(File.Exists(RepoFiles.Path(Path.GetDirectoryName(p)!, "packages.lock.json")), $"{p} has no packages.lock.json"));

        var props = XDocument.Load(RepoFiles.Path("Directory.Build.props"));
        Assert.Equal("true", props.Descendants("RestorePackagesWithLockFile").Single().Value);

        var test = await File.ReadAllTextAsync(RepoFiles.Path("scripts", "test.sh"));
        Assert.Matches(@"dotnet restore EtcdRemediator\.sln --locked-mode", test);
        Assert.All(Regex.Matches(test, @"^dotnet build .*$", RegexOptions.Multiline), m => Assert.Contains("--no-restore", m.Value));

        var dockerfile = await File.ReadAllTextAsync(RepoFiles.Path("docker", "Dockerfile"));
        var restores = Regex.Matches(dockerfile, @"^RUN .*dotnet restore.*$", RegexOptions.Multiline);
        Assert.NotEmpty(restores);
        Assert.All(restores, m => Assert.Contains("--locked-mode", m.Value));
        Assert.Matches(@"COPY .*src/EtcdRemediator/packages\.lock\.json", dockerfile);
        Assert.All(Regex.Matches(dockerfile, @"dotnet publish.*$", RegexOptions.Multiline), m => Assert.Contains("--no-restore", m.Value));
    }

    /// <summary>Each stage's base by exact version (or digest), never a floating 10.0 or latest.</summary>
    [Fact]
    public async Task EveryBaseImageIsAnExactVersionOrADigest()
    {
        var froms = FromLine().Matches(await File.ReadAllTextAsync(RepoFiles.Path("docker", "Dockerfile")));

        Assert.NotEmpty(froms);
        Assert.All(froms, m => Assert.Matches(@"^[\w./-]+:\d+\.\d+\.\d+(@sha256:[0-9a-f]{64})?$", m.Groups[1].Value));
    }

    [Fact]
    public async Task EveryPrereleasePackageIsNamedInTheSupplyChainDocs()
    {
        var page = await File.ReadAllTextAsync(RepoFiles.Path("docs", "kubernetes.md"));
        var prereleases = XDocument.Load(RepoFiles.Path("Directory.Packages.props")).Descendants("PackageVersion")
            .Where(p => p.Attribute("Version")!.Value.Contains('-', StringComparison.Ordinal))
            .Select(p => p.Attribute("Include")!.Value);

        Assert.All(prereleases, p => Assert.Contains($"`{p}`", page));
    }

    [GeneratedRegex(@"^Project\(""[^""]+""\) = ""[^""]+"", ""([^""]+\.csproj)""", RegexOptions.Multiline)]
    private static partial Regex SolutionProject();

    /// <summary>FROM [--platform=...] image [AS stage]; a FROM of an earlier stage has no tag and is not a base.</summary>
    [GeneratedRegex(@"^FROM (?:--platform=\S+ )?(\S+[:@]\S+)", RegexOptions.Multiline)]
    private static partial Regex FromLine();
}

namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>Files shipped at the top of the repository (example configs, rules), found from the test's output folder.</summary>
public static class RepoFiles
{
    public static string Root { get; } = FindRoot();

    public static string Path(params string[] parts) => System.IO.Path.Combine([Root, .. parts]);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "EtcdRemediator.sln"))) return dir.FullName;
        throw new InvalidOperationException("EtcdRemediator.sln not found above " + AppContext.BaseDirectory);
    }
}

namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// The service as a real process (the native executable the image ships, or `dotnet EtcdRemediator.dll` from the
/// build beside the tests), configured by environment variables the way an operator would, so that a test can
/// SIGKILL it and start it again on the same data.
/// </summary>
public static class ServiceProcess
{
    private static readonly Lazy<Task<string>> Published = new(WaitForPublishAsync);

    /// <summary>
    /// The folder of the service a test starts as a process: what scripts/test.sh publishes with docker/Dockerfile's own
    /// command (ETCDREM_SERVICE_DIR), so that the tests run the build the image ships; the build beside the tests when
    /// a test is run by hand. scripts/test.sh starts the integration tests once that compile has ended, and names in
    /// ETCDREM_SERVICE_PUBLISHED the file the compile wrote ("ok", or its log, which a test that needs the service fails with).
    /// </summary>
    public static Task<string> FolderAsync() => Published.Value;

    /// <summary>The published folder is native (the image's build: one executable, no EtcdRemediator.dll); the build beside the
    /// tests, when a test is run by hand without ETCDREM_SERVICE_DIR, is the framework-dependent assembly.</summary>
    public static async Task<bool> IsNativeAsync() => !File.Exists(Path.Combine(await FolderAsync(), "EtcdRemediator.dll"));

    /// <summary>How to start the service with <paramref name="arguments"/>: the executable itself, or dotnet with the assembly,
    /// in the service's folder.</summary>
    public static async Task<ProcessStartInfo> StartInfoAsync(params string[] arguments)
    {
        var folder = await FolderAsync();
        var info = await IsNativeAsync()
            ? new ProcessStartInfo(Path.Combine(folder, "EtcdRemediator"), arguments)
            : new ProcessStartInfo("dotnet", [Path.Combine(folder, "EtcdRemediator.dll"), .. arguments]);
        info.WorkingDirectory = folder;
        return info;
    }

    private static async Task<string> WaitForPublishAsync()
    {
        if (Environment.GetEnvironmentVariable("ETCDREM_SERVICE_DIR") is not { Length: > 0 } published) return AppContext.BaseDirectory;
        if (Environment.GetEnvironmentVariable("ETCDREM_SERVICE_PUBLISHED") is not { Length: > 0 } state) return published;
        // The file is there when scripts/test.sh starts the tests; the wait is for a run beside a compile of one's own.
        await Poll.UntilAsync(() => Task.FromResult(File.Exists(state)), TimeSpan.FromMinutes(15), $"scripts/test.sh's native publish ({state})");
        var said = (await File.ReadAllTextAsync(state)).Trim();
        return said == "ok" ? published : throw new InvalidOperationException($"the service's native publish failed:\n{said}");
    }

    /// <summary>Settings as an operator gives them to the process: environment variables, <c>__</c> for the configuration's ':'.</summary>
    public static void SetSettings(ProcessStartInfo info, IEnumerable<KeyValuePair<string, string?>> settings)
    {
        foreach (var (key, value) in settings) info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
    }

    /// <summary>With its run database and snapshots in <paramref name="data"/>, as a deployment keeps them on a volume.</summary>
    /// <param name="workingDirectory">Where it is started from; its own folder when null.</param>
    public static Task<ManagedProcess> StartAsync(string data, IReadOnlyDictionary<string, string?> settings, string? workingDirectory = null) =>
        StartAsync(new Dictionary<string, string?>(settings)
        {
            ["Remediator:Storage:Path"] = Path.Combine(data, "remediator.db"),
            ["Remediator:Snapshots:Directory"] = Path.Combine(data, "snapshots"),
        }, workingDirectory);

    public static async Task<ManagedProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, string? workingDirectory = null)
    {
        var url = $"http://127.0.0.1:{FreePorts.Next()}";
        var info = await StartInfoAsync("--urls", url);
        if (workingDirectory is not null) info.WorkingDirectory = workingDirectory;
        info.Environment.Remove("KUBERNETES_SERVICE_HOST"); // a CI runner in a pod: only a test that sets it means it
        var accepting = new Dictionary<string, string?>(settings);
        EtcdUnderTest.AcceptAdvisories(accepting);
        SetSettings(info, accepting);
        return await ManagedProcess.StartAsync(info, url, "/healthz", r => r.IsSuccessStatusCode, "the service");
    }

    /// <summary>A service that should refuse to start, in a data directory of its own (removed afterwards).</summary>
    public static async Task<(int ExitCode, string[] Lines)> RunUntilExitAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var data = Directory.CreateTempSubdirectory("etcdrem-it-startup-").FullName;
        try
        {
            return await RunUntilExitAsync(data, settings);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>A service that should refuse to start: its exit code and every line it printed.</summary>
    /// <param name="url">Where it is told to listen; a free loopback port when null.</param>
    public static async Task<(int ExitCode, string[] Lines)> RunUntilExitAsync(string data, IReadOnlyDictionary<string, string?> settings,
        string? url = null)
    {
        var info = await StartInfoAsync("--urls", url ?? $"http://127.0.0.1:{FreePorts.Next()}");
        (info.RedirectStandardOutput, info.RedirectStandardError) = (true, true);
        info.Environment["Remediator__Storage__Path"] = Path.Combine(data, "remediator.db");
        info.Environment.Remove("KUBERNETES_SERVICE_HOST");
        SetSettings(info, settings);
        using var process = Process.Start(info)!;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            return (process.ExitCode, (await stdout + await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }
}

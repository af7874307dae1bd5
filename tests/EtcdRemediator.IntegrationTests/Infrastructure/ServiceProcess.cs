namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>
/// The service as a real process (the native executable the image ships, or `dotnet EtcdRemediator.dll` from the
/// build beside the tests), configured by environment variables the way an operator would, so that a test can
/// SIGKILL it and start it again on the same data.
/// </summary>
public static class ServiceProcess
{
    /// <summary>
    /// The folder of the service a test starts as a process: what scripts/test.sh publishes with docker/Dockerfile's own
    /// command (ETCDREM_SERVICE_DIR), so that the tests run the build the image ships; the build beside the tests when
    /// a test is run by hand.
    /// </summary>
    public static string Folder =>
        Environment.GetEnvironmentVariable("ETCDREM_SERVICE_DIR") is { Length: > 0 } published ? published : AppContext.BaseDirectory;

    /// <summary>The published folder is native (the image's build: one executable, no EtcdRemediator.dll); the build beside the
    /// tests, when a test is run by hand without ETCDREM_SERVICE_DIR, is the framework-dependent assembly.</summary>
    public static bool IsNative => !File.Exists(Path.Combine(Folder, "EtcdRemediator.dll"));

    /// <summary>How to start the service with <paramref name="arguments"/>: the executable itself, or dotnet with the assembly.</summary>
    public static ProcessStartInfo StartInfo(params string[] arguments) => IsNative
        ? new ProcessStartInfo(Path.Combine(Folder, "EtcdRemediator"), arguments)
        : new ProcessStartInfo("dotnet", [Path.Combine(Folder, "EtcdRemediator.dll"), .. arguments]);

    /// <summary>With its run database and snapshots in <paramref name="data"/>, as a deployment keeps them on a volume.</summary>
    public static Task<ManagedProcess> StartAsync(string data, IReadOnlyDictionary<string, string?> settings) =>
        StartAsync(new Dictionary<string, string?>(settings)
        {
            ["Remediator:Storage:Path"] = Path.Combine(data, "remediator.db"),
            ["Remediator:Snapshots:Directory"] = Path.Combine(data, "snapshots"),
        });

    public static Task<ManagedProcess> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var url = $"http://127.0.0.1:{FreePorts.Next()}";
        var info = StartInfo("--urls", url);
        info.WorkingDirectory = Folder;
        info.Environment.Remove("KUBERNETES_SERVICE_HOST"); // a CI runner in a pod: only a test that sets it means it
        var accepting = new Dictionary<string, string?>(settings);
        EtcdUnderTest.AcceptAdvisories(accepting);
        foreach (var (key, value) in accepting) info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        return ManagedProcess.StartAsync(info, url, "/healthz", r => r.IsSuccessStatusCode, "the service");
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
        var info = StartInfo("--urls", url ?? $"http://127.0.0.1:{FreePorts.Next()}");
        (info.WorkingDirectory, info.RedirectStandardOutput, info.RedirectStandardError) = (Folder, true, true);
        info.Environment["Remediator__Storage__Path"] = Path.Combine(data, "remediator.db");
        info.Environment.Remove("KUBERNETES_SERVICE_HOST");
        foreach (var (key, value) in settings) info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
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

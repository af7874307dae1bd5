namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>Runs a command-line tool (amtool, promtool, etcdctl) to completion and returns what it said.</summary>
public static class Tools
{
    public static Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments) =>
        RunWithInputAsync(null, file, arguments);

    /// <summary>A new age identity in <paramref name="identity"/>, made by Debian's age-keygen; returns its recipient (age1...).</summary>
    public static async Task<string> NewAgeKeyAsync(string identity)
    {
        // An exception, not Assert: the benchmarks compile this file too, without xunit.
        var (code, said) = await RunAsync("age-keygen", "-o", identity);
        if (code != 0) throw new InvalidOperationException($"age-keygen -o {identity} exited {code}: {said}");
        return (await RunAsync("age-keygen", "-y", identity)).Output.Trim();
    }

    /// <summary>The same, with <paramref name="input"/> written to the tool's standard input.</summary>
    public static Task<(int ExitCode, string Output)> RunWithInputAsync(string? input, string file, params string[] arguments) =>
        RunAsync(new ProcessStartInfo(file, arguments), input, TimeSpan.FromMinutes(2));

    /// <summary>A process described in full (the service's own command line: ServiceProcess.StartInfoAsync), for at most two minutes.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo info) => RunAsync(info, null, TimeSpan.FromMinutes(2));

    /// <summary>A longer job (a build, say) in its own working directory with extra environment variables.</summary>
    public static Task<(int ExitCode, string Output)> RunInAsync(string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout, string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file, arguments) { WorkingDirectory = workingDirectory };
        foreach (var (key, value) in environment) info.Environment[key] = value;
        return RunAsync(info, null, timeout);
    }

    /// <summary>A command as the caller made it (environment, working directory), to completion or <paramref name="timeout"/>.</summary>
    public static Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo info, TimeSpan timeout) => RunAsync(info, null, timeout);

    private static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo info, string? input, TimeSpan timeout)
    {
        info.RedirectStandardOutput = info.RedirectStandardError = true;
        info.RedirectStandardInput = input is not null;
        info.Environment["ETCDCTL_API"] = "3";
        using var process = Process.Start(info)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        return (process.ExitCode, await stdout + await stderr);
    }
}

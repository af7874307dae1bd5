using System.Diagnostics;

namespace EtcdRemediator.IntegrationTests.Infrastructure;

/// <summary>Runs a command-line tool (amtool, promtool, etcdctl) to completion and returns what it said.</summary>
public static class Tools
{
    public static Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments) =>
        RunWithInputAsync(null, file, arguments);

    /// <summary>The same, with <paramref name="input"/> written to the tool's standard input.</summary>
    public static async Task<(int ExitCode, string Output)> RunWithInputAsync(string? input, string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = input is not null };
        info.Environment["ETCDCTL_API"] = "3";
        using var process = Process.Start(info)!;
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await stdout + await stderr);
    }
}

using System.Diagnostics;
using EtcdRemediator.IntegrationTests.Infrastructure;

namespace EtcdRemediator.IntegrationTests.Api;

public sealed class StartupErrorTests
{
    /// <summary>A misconfigured service says what to fix, in a few lines, and stops: no stack trace first.</summary>
    [Fact]
    public async Task BadConfigurationStopsTheProcessWithOnlyTheMessagesNamingEachKey()
    {
        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "EtcdRemediator.dll"), "--urls", $"http://127.0.0.1:{FreePorts.Next()}"])
        {
            WorkingDirectory = AppContext.BaseDirectory, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        var data = Directory.CreateTempSubdirectory("etcdrem-it-startup-").FullName;
        info.Environment["Remediator__Storage__Path"] = Path.Combine(data, "remediator.db");
        info.Environment["Remediator__Clusters__0__Backend"] = "Kubeadm";
        info.Environment["Remediator__Policy__RequestTimeout"] = "10";
        info.Environment["Remediator__Polcy__Cooldown"] = "30m";
        try
        {
            using var process = Process.Start(info)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            var lines = (await stdout + await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries);

            Assert.Equal(2, process.ExitCode);
            Assert.Equal(
            [
                "EtcdRemediator cannot start; fix the configuration:",
                "  - Remediator:Clusters:0:Backend: 'Kubeadm' is not one of Etcd, Talos.",
                "  - Remediator:Polcy:Cooldown: is not a setting; did you mean Remediator:Policy:Cooldown?",
                "  - Remediator:Policy:RequestTimeout: '10' is not a duration: write a duration such as 10s, 30m, 1h30m or 00:10:00.",
            ], lines);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}

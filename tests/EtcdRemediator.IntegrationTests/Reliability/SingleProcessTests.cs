using System.Diagnostics;
using EtcdRemediator.IntegrationTests.Etcd;
using EtcdRemediator.IntegrationTests.Infrastructure;

namespace EtcdRemediator.IntegrationTests.Reliability;

public sealed class SingleProcessTests
{
    [Fact]
    public async Task ASecondProcessOnTheSameRunStoreRefusesToStartNamingTheHolder()
    {
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { Members = 1 });
        var data = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "single-").FullName;
        try
        {
            var settings = RemediatorApp.ForCluster(cluster);
            await using var first = await ServiceProcess.StartAsync(data, settings);

            var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "EtcdRemediator.dll"), "--urls", $"http://127.0.0.1:{FreePorts.Next()}"])
            {
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            info.Environment["Remediator__Storage__Path"] = Path.Combine(data, "remediator.db");
            info.Environment["Remediator__Snapshots__Directory"] = Path.Combine(data, "snapshots");
            foreach (var (key, value) in settings) info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
            using var second = Process.Start(info)!;
            var stderr = second.StandardError.ReadToEndAsync();
            _ = second.StandardOutput.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            try
            {
                await second.WaitForExitAsync(timeout.Token);
            }
            finally
            {
                if (!second.HasExited) second.Kill(entireProcessTree: true);
            }

            Assert.Equal(3, second.ExitCode);
            Assert.Contains($"in use by another EtcdRemediator (pid {first.ProcessId}", await stderr);
            using var http = new HttpClient();
            Assert.True((await http.GetAsync(first.Url + "/readyz")).IsSuccessStatusCode, "the first process keeps serving");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>Deleting the lock file after a crash is a common reflex: the store itself stays locked while its holder lives.</summary>
    [Fact]
    public async Task DeletingTheLockFileDoesNotLetASecondProcessOntoTheStore()
    {
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { Members = 1 });
        var data = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "single-").FullName;
        try
        {
            var settings = RemediatorApp.ForCluster(cluster);
            await using var first = await ServiceProcess.StartAsync(data, settings);
            File.Delete(Path.Combine(data, "remediator.db.lock"));

            var (exit, lines) = await ServiceProcess.RunUntilExitAsync(data, new Dictionary<string, string?>(settings)
            {
                ["Remediator:Snapshots:Directory"] = Path.Combine(data, "snapshots"),
            });

            Assert.True(exit == 3, string.Join('\n', lines));
            Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal)); // one line, no stack trace
            Assert.Contains(lines, l => l.Contains($"in use by another EtcdRemediator (pid {first.ProcessId}", StringComparison.Ordinal));
            using var http = new HttpClient();
            Assert.True((await http.GetAsync(first.Url + "/readyz")).IsSuccessStatusCode, "the first process keeps serving");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}

namespace EtcdRemediator.IntegrationTests.Observability;

/// <summary>What an operator reads in the service's log during one remediation.</summary>
public sealed class LogTests
{
    [Fact]
    public async Task StartedFromTheRepositoryRootOneRemediationLogsAFewReadableLines()
    {
        await using var cluster = await EtcdTestCluster.StartAsync();
        await cluster.FragmentAsync(megabytes: 8);
        var data = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "logs-").FullName;
        try
        {
            // As `dotnet run --project src/EtcdRemediator` from a clone does: the content root is the
            // repository, which has no appsettings.json; the service's own defaults must still apply.
            var url = $"http://127.0.0.1:{FreePorts.Next()}";
            var info = await ServiceProcess.StartInfoAsync("--urls", url);
            info.WorkingDirectory = RepoFiles.Root;
            info.Environment["Remediator__Storage__Path"] = Path.Combine(data, "remediator.db");
            info.Environment["Remediator__Snapshots__Directory"] = Path.Combine(data, "snapshots");
            info.Environment["Remediator__Policy__PauseBetweenMembers"] = "0s";
            ServiceProcess.SetSettings(info, RemediatorApp.ForCluster(cluster));
            await using var service = await ManagedProcess.StartAsync(info, url, "/healthz", r => r.IsSuccessStatusCode, "the service");

            var run = await service.Client.RunToEndAsync("lab", "defrag");
            for (var i = 0; i < 5; i++) await service.Client.GetStringAsync("/metrics"); // scrapes log nothing
            var lines = await Poll.UntilAsync(() => Task.FromResult(service.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries)),
                l => l.Any(x => x.Contains($"Run {run.Id} for lab (defrag) ended", StringComparison.Ordinal)), TimeSpan.FromSeconds(10), "the run's last log line");

            Assert.Equal(RunStatus.Succeeded, run.Status);
            Assert.True(lines.Length < 40, $"{lines.Length} lines:\n{string.Join('\n', lines)}");
            Assert.Equal(3, lines.Count(l => l.Contains("Defragmented m", StringComparison.Ordinal)));
            Assert.Contains(lines, l => l.Contains($"run {run.Id} (lab)", StringComparison.Ordinal) && l.Contains("started by manual", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains("Dictionary`2", StringComparison.Ordinal) || l.Contains("(null)", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains("Polly", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.Contains("Request starting", StringComparison.Ordinal) || l.Contains("Overriding HTTP_PORTS", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}

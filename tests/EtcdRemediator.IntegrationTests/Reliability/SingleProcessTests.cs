namespace EtcdRemediator.IntegrationTests.Reliability;

public sealed class SingleProcessTests
{
    /// <param name="lockFileDeleted">Deleting the lock file after a crash is a common reflex: the store itself stays locked while its holder lives.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ASecondProcessOnTheSameRunStoreRefusesToStartNamingTheHolder(bool lockFileDeleted)
    {
        await using var cluster = await EtcdTestCluster.StartAsync(new EtcdTestClusterOptions { Members = 1 });
        var data = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "single-").FullName;
        try
        {
            var settings = RemediatorApp.ForCluster(cluster);
            await using var first = await ServiceProcess.StartAsync(data, settings);
            if (lockFileDeleted) File.Delete(Path.Combine(data, "remediator.db.lock"));

            var (exit, lines) = await ServiceProcess.RunUntilExitAsync(data, new Dictionary<string, string?>(settings)
            {
                ["Remediator:Snapshots:Directory"] = Path.Combine(data, "snapshots"),
            });

            Assert.True(exit == 3, string.Join('\n', lines));
            Assert.Contains(lines, l => l.Contains($"in use by another EtcdRemediator (pid {first.ProcessId}", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal)); // one line, no stack trace
            using var http = new HttpClient();
            Assert.True((await http.GetAsync(first.Url + "/readyz")).IsSuccessStatusCode, "the first process keeps serving");
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }
}

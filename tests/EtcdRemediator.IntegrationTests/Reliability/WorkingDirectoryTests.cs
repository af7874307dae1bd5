namespace EtcdRemediator.IntegrationTests.Reliability;

/// <summary>
/// The downloaded binary started where people start it: from their home folder, or from / under systemd (its default
/// WorkingDirectory). ASP.NET Core's default configuration reload watched that folder and every folder below it: from /
/// 50,492 inotify watches and 12.5 s before the first answer, found by strace while measuring start-up (issue 40).
/// </summary>
public sealed class WorkingDirectoryTests
{
    [Fact]
    public async Task StartedFromAFolderOfThousandsOfFoldersTheServiceWatchesNoneAndAnswers()
    {
        var tree = Directory.CreateTempSubdirectory(EtcdTestCluster.TempPrefix + "cwd-").FullName;
        try
        {
            for (var i = 0; i < 3000; i++) Directory.CreateDirectory(Path.Combine(tree, $"project{i / 100}", $"folder{i % 100}"));
            await using var service = await ServiceProcess.StartAsync(Path.Combine(tree, "data"), RemediatorApp.ForUnreachableCluster(),
                workingDirectory: tree);

            // One line per watch in the fdinfo of an inotify descriptor ("inotify wd:..."): none for the configuration files.
            var watches = Directory.GetFiles($"/proc/{service.ProcessId}/fdinfo")
                .Sum(fd => { try { return File.ReadLines(fd).Count(l => l.StartsWith("inotify wd:", StringComparison.Ordinal)); } catch (IOException) { return 0; } });
            Assert.True(watches == 0, $"the service watches {watches} folders below its working directory");
        }
        finally
        {
            Directory.Delete(tree, recursive: true);
        }
    }
}

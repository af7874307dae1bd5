namespace EtcdRemediator.IntegrationTests.Reliability;

/// <summary>
/// Retention never takes away the snapshot a run relies on, nor a file the service did not write:
/// five snapshots whose sidecars record 2027 (a clock that was once ahead) and a hand-made copy sit in
/// the cluster's folder when a run takes its own.
/// </summary>
public sealed class SnapshotRetentionTests
{
    [Fact]
    public async Task SnapshotsFromAClockOnceAheadNeverPushOutTheRunsOwnAndHandMadeFilesAreLeftAlone()
    {
        await using var lab = await ProcessScenario.StartAsync(fragmentMegabytes: 12);
        const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute; // as the service makes them
        Directory.CreateDirectory(Path.Combine(lab.Data, "snapshots"), Private);
        var folder = Directory.CreateDirectory(Path.Combine(lab.Data, "snapshots", "lab"), Private).FullName;
        for (var i = 0; i < 5; i++)
        {
            var path = Path.Combine(folder, $"lab-20270101T00000{i}.000Z-abc.db");
            await File.WriteAllTextAsync(path, "an old snapshot");
            await File.WriteAllTextAsync(path + ".json", JsonSerializer.Serialize(new
            {
                writtenBy = "etcd-remediator",
                cluster = "lab",
                member = "abc",
                revision = 1,
                size = 15,
                sha256 = "00",
                time = new DateTimeOffset(2027, 1, 1, 0, 0, i, TimeSpan.Zero),
            }));
        }
        var handMade = Path.Combine(folder, "manual-before-upgrade.db");
        await File.WriteAllTextAsync(handMade, "an operator's own copy");
        lab.Settings["Remediator:Snapshots:Retain"] = "5";
        await using var app = new RemediatorApp(lab.Settings, lab.Data); // in the test host, on the data prepared above

        var run = await app.CreateClient().RunToEndAsync("lab", "defrag");

        Assert.True(run.Status == RunStatus.Succeeded, $"{run.Status}: {run.Reason}");
        Assert.True(File.Exists(run.Snapshot!.Path), "the run's own snapshot was deleted");
        await SnapshotAssertions.AssertVerifiedAsync(run, app.DataDirectory);
        Assert.True(File.Exists(handMade), "a file the service did not write was deleted");
        Assert.Equal(3, DefragEvidence.Windows(lab.Cluster).Count);
        // Times later than now count as the oldest: the run's own and four of the 2027 ones stay.
        Assert.Equal(5, Directory.GetFiles(folder, "lab-*.db").Length);
        Assert.False(File.Exists(Path.Combine(folder, "lab-20270101T000000.000Z-abc.db.json")), "the deleted snapshot's sidecar went with it");
        Assert.All(Directory.GetFiles(folder, "*.json"), sidecar => Assert.True(File.Exists(sidecar[..^".json".Length]), $"orphaned {sidecar}"));
    }
}

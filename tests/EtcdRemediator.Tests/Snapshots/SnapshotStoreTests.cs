using EtcdRemediator.Snapshots;
using static EtcdRemediator.Tests.Snapshots.StreamingCluster;

namespace EtcdRemediator.Tests.Snapshots;

/// <summary>The store's own logic on streams we shape: verification, no partial files, retention.</summary>
public sealed class SnapshotStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("etcdrem-unit-snap-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 3, 0, 0, TimeSpan.Zero));

    private SnapshotStore Store(int retain = 5) => StreamingCluster.Store(_dir, _time, retain);

    [Fact]
    public async Task AStreamLongerThanTheMembersReportedSizeAllowsIsAbandonedAndLeavesNoFile()
    {
        // The member said 1 MB; it sends 40 MB (more than 10 % and 16 MiB of headroom).
        var e = await Assert.ThrowsAsync<SnapshotException>(() =>
            Store().SaveAsync(new StreamingCluster(EtcdStream(40_000_000), chunk: 1 << 20), Member, 1_000_000, corruptAlarm: false, CancellationToken.None));

        Assert.Contains("more than the member's reported size", e.Message);
        Assert.Empty(Directory.EnumerateFiles(_dir, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task TwoSnapshotsAtOnceMustBothFitNotEachPassTheSameFreeSpaceCheck()
    {
        var store = Store();
        // Each claims a bit over half of the free space: either alone fits, both at once do not.
        var half = new DriveInfo(_dir).AvailableFreeSpace / 2;
        var streaming = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var finish = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = new StreamingCluster(EtcdStream(1000), before: ct =>
        {
            streaming.TrySetResult();
            return finish.Task.WaitAsync(ct);
        });
        var held = store.SaveAsync(first, Member, half, corruptAlarm: false, CancellationToken.None);
        await streaming.Task;

        var e = await Assert.ThrowsAsync<SnapshotException>(() =>
            store.SaveAsync(new StreamingCluster(EtcdStream(1000)), Member, half, corruptAlarm: false, CancellationToken.None));
        Assert.Contains("held for snapshots under way", e.Message);

        finish.SetResult();
        await held;
        _time.Advance(TimeSpan.FromSeconds(1)); // another file name
        await store.SaveAsync(new StreamingCluster(EtcdStream(1000)), Member, half, corruptAlarm: false, CancellationToken.None); // room again
    }

    [Theory]
    [InlineData(1, false)]
    [InlineData(32, false)]
    [InlineData(100_000, false)]
    [InlineData(0, true)]
    public async Task ATruncatedOrCorruptedStreamIsRefusedAndLeavesNoFile(int cut, bool corrupt)
    {
        var store = Store();

        var e = await Assert.ThrowsAsync<SnapshotException>(() =>
            store.SaveAsync(new StreamingCluster(EtcdStream(300_000, cut, corrupt)), Member, 300_000, corruptAlarm: false, CancellationToken.None));

        Assert.Contains("failed verification", e.Message);
        Assert.Empty(Directory.EnumerateFiles(_dir, "*", SearchOption.AllDirectories));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(31)]
    [InlineData(7_777)]
    public async Task AnIntactStreamVerifiesWhateverItsChunkSize(int chunk)
    {
        var record = await Store().SaveAsync(new StreamingCluster(EtcdStream(100_000), chunk), Member, 100_000, corruptAlarm: false, CancellationToken.None);

        Assert.Equal(100_032, record.Bytes);
        Assert.True(File.Exists(record.Path + ".json"));
        Assert.Empty(Directory.EnumerateFiles(_dir, "*.part", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task OnlyTheNewestSnapshotsAreKept()
    {
        var store = Store(retain: 2);
        for (var i = 0; i < 4; i++)
        {
            await store.SaveAsync(new StreamingCluster(EtcdStream(1_000)), Member, 1_000, corruptAlarm: false, CancellationToken.None);
            _time.Advance(TimeSpan.FromMinutes(1)); // a snapshot a minute: names carry the time
        }

        Assert.Equal(2, store.List("lab").Count);
        Assert.Equal(2, Directory.EnumerateFiles(store.DirectoryFor("lab"), "*.json").Count());
    }
}

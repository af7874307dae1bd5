using System.Security.Cryptography;
using System.Text.Json;
using EtcdRemediator.Snapshots;
using static EtcdRemediator.Tests.Snapshots.StreamingCluster;

namespace EtcdRemediator.Tests.Snapshots;

/// <summary>
/// The sidecar's and the run's <c>sha256</c> is the whole file's, as <c>sha256sum</c> prints it: the one an engineer
/// checks mid-restore. etcd's own check (the last 32 bytes are the sha256 of the rest) is recorded as <c>etcdHashVerified</c>.
/// </summary>
public sealed class SidecarTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("etcdrem-unit-sidecar-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 3, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private Task<SnapshotRecord> SaveAsync(int retain = 5) =>
        Store(_dir, _time, retain).SaveAsync(new StreamingCluster(EtcdStream(100_000), chunk: 7_777), Member, 100_000, corruptAlarm: false,
            CancellationToken.None);

    [Fact]
    public async Task TheSidecarAndTheRunRecordTheWholeFilesSha256AndEtcdsOwnCheckUnderItsOwnName()
    {
        var record = await SaveAsync();

        var whole = Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(record.Path)));
        using var sidecar = JsonDocument.Parse(await File.ReadAllTextAsync(record.Path + ".json"));
        Assert.Equal(whole, sidecar.RootElement.GetProperty("sha256").GetString());
        Assert.True(sidecar.RootElement.GetProperty("etcdHashVerified").GetBoolean());
        Assert.Equal(whole, record.Sha256);
        Assert.True(record.EtcdHashVerified);
    }

    [Fact]
    public async Task ASnapshotTouchedButUnchangedStillChecksAsTheVerifiedFile()
    {
        var store = Store(_dir, _time);
        var record = await SaveAsync();
        File.SetLastWriteTimeUtc(record.Path, DateTime.UtcNow.AddMinutes(5)); // read again whole: whole-file hash against whole-file hash

        var (problem, _) = await store.CheckAsync(record, CancellationToken.None);

        Assert.Null(problem);
    }

    [Fact]
    public async Task ASnapshotWithOneByteFlippedAfterVerificationFailsTheCheck()
    {
        var store = Store(_dir, _time);
        var record = await SaveAsync();
        var bytes = await File.ReadAllBytesAsync(record.Path);
        bytes[1_000] ^= 0xFF;
        await File.WriteAllBytesAsync(record.Path, bytes);

        var (problem, _) = await store.CheckAsync(record, CancellationToken.None);

        Assert.Contains("changed after it was verified", problem);
    }

    [Fact]
    public async Task SidecarsWrittenBeforeEtcdHashVerifiedAreStillCountedByRetention()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_dir, "lab")).FullName;
        var older = Path.Combine(folder, "lab-20261126T020000.000Z-abc.db");
        await File.WriteAllBytesAsync(older, EtcdStream(1_000));
        // As versions before etcdHashVerified wrote it: `sha256` is etcd's trailer hash.
        await File.WriteAllTextAsync(older + ".json", JsonSerializer.Serialize(new
        {
            writtenBy = "etcd-remediator", cluster = "lab", member = "abc", revision = 1, size = 1_032,
            sha256 = Convert.ToHexStringLower(File.ReadAllBytes(older)[^32..]), time = _time.GetUtcNow().AddHours(-1),
        }));

        var record = await SaveAsync(retain: 1);

        Assert.Equal([record.Path], Store(_dir, _time).List("lab"));
    }
}

using EtcdRemediator.Configuration;
using EtcdRemediator.History;
using EtcdRemediator.Remediation.Rules;
using EtcdRemediator.Scheduling;
using EtcdRemediator.Storage;
using Microsoft.Extensions.Options;
using static EtcdRemediator.Tests.Remediation.ClusterStates;

namespace EtcdRemediator.Tests.History;

public sealed class HistoryRecorderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("etcdrem-unit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task EachAnsweringMemberIsKeptWithTheQuotaAndReadingsCloserThanTheSpacingAreSkipped()
    {
        using var database = new RemediatorDatabase(Options.Create(new RemediatorOptions { Storage = new StorageOptions { Path = Path.Combine(_dir, "store.db") } }));
        await database.OpenAsync(CancellationToken.None);
        var store = new HistoryStore(database);
        var recorder = new HistoryRecorder(store);
        var state = Cluster().Leader(2).Member(1, 100, 40).Member(2, 100, 40).Down(3).Alarm(1, EtcdRemediator.Etcd.AlarmKind.NoSpace).Build();
        var t0 = new DateTimeOffset(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

        foreach (var seconds in new[] { 0, 1, 4, 5, 6, 11 })
            await recorder.ObserveAsync(new WatchReading(state with { ReadAt = t0.AddSeconds(seconds) }, new Quota(8L << 30, true)), CancellationToken.None);
        var (members, _) = await store.ReadAsync("lab", t0, t0.AddMinutes(1), 1000, CancellationToken.None);

        Assert.Equal(["m1", "m2"], members.Select(m => m[0].MemberName));
        Assert.Equal([t0, t0.AddSeconds(5), t0.AddSeconds(11)], members[0].Select(s => s.At));
        Assert.All(members.SelectMany(m => m), s => Assert.Equal((100L << 20, 40L << 20, 8L << 30), (s.DbSize, s.DbSizeInUse, s.Quota)));
        Assert.All(members[0], s => Assert.Equal((false, AlarmBits.NoSpace), (s.Leader, s.Alarms)));
        Assert.All(members[1], s => Assert.Equal((true, 0), (s.Leader, s.Alarms)));
    }
}

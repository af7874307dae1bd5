using EtcdRemediator.History;
using EtcdRemediator.Watch;
using Microsoft.Extensions.Logging.Abstractions;
using static EtcdRemediator.Tests.Remediation.ClusterStates;

namespace EtcdRemediator.Tests.History;

public sealed class HistoryRecorderTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly Quota Quota = new(8L << 30, true);
    private readonly string _dir = Directory.CreateTempSubdirectory("etcdrem-unit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<RemediatorDatabase> OpenAsync()
    {
        var options = new RemediatorOptions { Storage = new StorageOptions { Path = Path.Combine(_dir, "store.db") } };
        var database = new RemediatorDatabase(Options.Create(options));
        await database.OpenAsync(CancellationToken.None);
        return database;
    }

    private static Task ObserveAsync(HistoryRecorder recorder, DateTimeOffset at) =>
        recorder.ObserveAsync(new WatchReading(Cluster().Leader(1).Member(1, 100, 40).Member(2, 100, 40).Build() with { ReadAt = at }, Quota),
            CancellationToken.None);

    [Fact]
    public async Task EachAnsweringMemberIsKeptWithTheQuotaAndReadingsCloserThanTheSpacingAreSkipped()
    {
        using var database = await OpenAsync();
        var store = new HistoryStore(database);
        var recorder = new HistoryRecorder(store, NullLogger<HistoryRecorder>.Instance);
        var state = Cluster().Leader(2).Member(1, 100, 40).Member(2, 100, 40).Down(3).Alarm(1, EtcdRemediator.Etcd.AlarmKind.NoSpace).Build();

        foreach (var seconds in new[] { 0, 1, 4, 5, 6, 11 })
            await recorder.ObserveAsync(new WatchReading(state with { ReadAt = T0.AddSeconds(seconds) }, Quota), CancellationToken.None);
        var (members, _) = await store.ReadAsync("lab", T0, T0.AddMinutes(1), 1000, CancellationToken.None);

        Assert.Equal(["m1", "m2"], members.Select(m => m[0].MemberName));
        Assert.Equal([T0, T0.AddSeconds(5), T0.AddSeconds(11)], members[0].Select(s => s.At));
        Assert.All(members.SelectMany(m => m), s => Assert.Equal((100L << 20, 40L << 20, 8L << 30), (s.DbSize, s.DbSizeInUse, s.Quota)));
        Assert.All(members[0], s => Assert.Equal((false, AlarmBits.NoSpace), (s.Leader, s.Alarms)));
        Assert.All(members[1], s => Assert.Equal((true, 0), (s.Leader, s.Alarms)));
    }

    /// <summary>Issue 34, 6(b): the recorder skipped every reading "less than 5 s" after the last, negative ones too, for an hour.</summary>
    [Fact]
    public async Task AClockSetBackAnHourKeepsEveryReadingInArrivalOrderAndWarnsOnceForTheStep()
    {
        using var database = await OpenAsync();
        var store = new HistoryStore(database);
        var logger = new ListLogger<HistoryRecorder>();
        var recorder = new HistoryRecorder(store, logger);
        // The fake clock is the time that passes; the wall clock the watch reads is set back an hour after ten minutes.
        var clock = new FakeTimeProvider(T0);
        var kept = new List<DateTimeOffset>();

        for (var minute = 0; minute < 20; minute++)
        {
            var wall = clock.GetUtcNow() - (minute < 10 ? TimeSpan.Zero : TimeSpan.FromHours(1));
            await ObserveAsync(recorder, wall);
            await ObserveAsync(recorder, wall.AddSeconds(3)); // 0 to 5 s after the last kept one: skipped, on both sides of the step
            kept.Add(wall);
            clock.Advance(TimeSpan.FromMinutes(1));
        }
        var (members, _) = await store.ReadAsync("lab", T0.AddHours(-2), T0.AddHours(1), 1000, CancellationToken.None);

        Assert.All(members, m => Assert.Equal(kept, m.Select(s => s.At)));
        Assert.All(members, m => Assert.Equal([.. Enumerable.Repeat(0, 10), .. Enumerable.Repeat(1, 10)], m.Select(s => s.ClockEpoch)));
        var warning = Assert.Single(logger.Warnings);
        Assert.Contains("cluster lab", warning, StringComparison.Ordinal);
        Assert.Contains("at least 00:59:00", warning, StringComparison.Ordinal); // the last kept reading was a minute before the step
    }

    [Fact]
    public async Task AStepBackWhileTheServiceWasDownIsSeenFromTheStoreAfterARestart()
    {
        using var database = await OpenAsync();
        var store = new HistoryStore(database);
        await ObserveAsync(new HistoryRecorder(store, NullLogger<HistoryRecorder>.Instance), T0);
        var logger = new ListLogger<HistoryRecorder>();
        var restarted = new HistoryRecorder(store, logger);

        await ObserveAsync(restarted, T0.AddHours(-1));
        await ObserveAsync(restarted, T0.AddHours(-1).AddMinutes(1));
        await ObserveAsync(restarted, T0.AddSeconds(2)); // forward from the last kept reading again: the same epoch, no warning
        var (members, _) = await store.ReadAsync("lab", T0.AddHours(-2), T0.AddHours(1), 1000, CancellationToken.None);

        Assert.Equal([(T0, 0), (T0.AddHours(-1), 1), (T0.AddHours(-1).AddMinutes(1), 1), (T0.AddSeconds(2), 1)],
            members[0].Select(s => (s.At, s.ClockEpoch)));
        Assert.Single(logger.Warnings);
    }
}

using EtcdRemediator.History;

namespace EtcdRemediator.Tests.History;

/// <summary>The history's downsampling, its bounded answers and its bounded size, on a real SQLite file.</summary>
public sealed class HistoryStoreTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("etcdrem-unit-").FullName;
    private RemediatorDatabase _database = null!;
    private HistoryStore _store = null!;

    private string Path => System.IO.Path.Combine(_dir, "store.db");

    public async Task InitializeAsync()
    {
        _database = new RemediatorDatabase(Options.Create(new RemediatorOptions { Storage = new StorageOptions { Path = Path } }));
        await _database.OpenAsync(CancellationToken.None);
        _store = new HistoryStore(_database);
    }

    public Task DisposeAsync()
    {
        _database.Dispose();
        Directory.Delete(_dir, recursive: true);
        return Task.CompletedTask;
    }

    private static MemberSample Sample(int member, DateTimeOffset at, long size) =>
        new((ulong)member + 0xa000_0000_0000_0000, $"m{member}", at, size, size / 2, 8L << 30, member == 0, member == 2 ? AlarmBits.NoSpace : 0);

    /// <summary>Readings of <paramref name="members"/> members every <paramref name="every"/> from <paramref name="from"/> for <paramref name="span"/>, written as the watch would, in chunks.</summary>
    private async Task FillAsync(DateTimeOffset from, TimeSpan span, TimeSpan every, int members = 1, Func<DateTimeOffset, long>? size = null,
        int clockEpoch = 0)
    {
        var times = Enumerable.Range(0, (int)(span / every)).Select(i => from + i * every).ToList();
        // Small calls, as the watch makes them, many at once: the store's group commit makes them few transactions.
        foreach (var calls in times.Chunk(20).Chunk(100))
            await Task.WhenAll(calls.Select(chunk =>
                _store.AppendAsync("lab",
                    [.. chunk.SelectMany(at => Enumerable.Range(0, members)
                        .Select(m => Sample(m, at, size?.Invoke(at) ?? 100 << 20) with { ClockEpoch = clockEpoch }))],
                    chunk[^1], CancellationToken.None)));
    }

    private Task<(IReadOnlyList<IReadOnlyList<MemberSample>> Members, TimeSpan Bucket)> ReadAllAsync(DateTimeOffset since, DateTimeOffset until) =>
        _store.ReadAsync("lab", since, until, int.MaxValue / 2, CancellationToken.None);

    [Fact]
    public async Task ReadingsOlderThan48HoursBecomeHourlyMeansOfTheirWholeHour()
    {
        // The file grows by one byte a minute: an hour's mean is its half-hour's value.
        await FillAsync(Start, TimeSpan.FromHours(52), TimeSpan.FromMinutes(1), size: at => (long)(at - Start).TotalMinutes);
        var now = Start + TimeSpan.FromHours(52) - TimeSpan.FromMinutes(1);

        var samples = Assert.Single((await ReadAllAsync(Start, now)).Members);

        // Rolled up: the whole hours that ended 48 h ago (hours 0-2); the hour under way then stays as read.
        var rolledUpTo = Start.AddHours(3);
        var hourly = samples.Where(s => s.At < rolledUpTo).ToList();
        Assert.Equal([Start, Start.AddHours(1), Start.AddHours(2)], hourly.Select(s => s.At));
        Assert.Equal([29, 89, 149], hourly.Select(s => s.DbSize));
        Assert.Equal(49 * 60, samples.Count(s => s.At >= rolledUpTo));
        Assert.Equal("m0", samples[0].MemberName);
        Assert.True(samples[0].Leader);
    }

    [Fact]
    public async Task HourlyMeansKeepEveryAlarmOfTheHourAndGoAfter90Days()
    {
        await FillAsync(Start, TimeSpan.FromDays(3), TimeSpan.FromMinutes(10), members: 3);
        await FillAsync(Start + TimeSpan.FromDays(92), TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(10), members: 3);
        var now = Start + TimeSpan.FromDays(92) + TimeSpan.FromMinutes(10);

        var members = (await ReadAllAsync(Start, now)).Members;

        Assert.Equal(3, members.Count);
        Assert.All(members, m => Assert.All(m, s => Assert.True(s.At >= now - HistoryStore.HourlyRetention)));
        Assert.All(members.Single(m => m[0].MemberName == "m2"), s => Assert.Equal(AlarmBits.NoSpace, s.Alarms));
        Assert.Equal(["NOSPACE"], AlarmBits.Names(AlarmBits.NoSpace));
    }

    [Fact]
    public async Task AnAnswerHoldsAtMostTheAskedNumberOfSamplesPerMember()
    {
        await FillAsync(Start, TimeSpan.FromHours(40), TimeSpan.FromMinutes(1), members: 3);
        var now = Start + TimeSpan.FromHours(40);

        var (members, bucket) = await _store.ReadAsync("lab", Start, now, 100, CancellationToken.None);

        Assert.Equal(3, members.Count);
        Assert.All(members, m => Assert.InRange(m.Count, 95, 101));
        Assert.InRange(bucket, TimeSpan.FromHours(40) / 100 - TimeSpan.FromSeconds(1), TimeSpan.FromHours(40) / 100 + TimeSpan.FromSeconds(1));
        Assert.Equal(TimeSpan.Zero, (await _store.ReadAsync("lab", now.AddMinutes(-90), now, 100, CancellationToken.None)).Bucket);
        Assert.Equal(0xa000_0000_0000_0001UL, members[1][0].MemberId);
    }

    [Fact]
    public async Task AReadingAfterAStepBackWithTheTimeOfOneBeforeItReplacesNothingAndComesAfterIt()
    {
        await _store.AppendAsync("lab", [Sample(0, Start, 100)], Start, CancellationToken.None);
        await _store.AppendAsync("lab", [Sample(0, Start.AddMinutes(1), 110)], Start.AddMinutes(1), CancellationToken.None);
        // The clock set back a minute: the next reading carries the first one's time, to the millisecond.
        await _store.AppendAsync("lab", [Sample(0, Start, 120) with { ClockEpoch = 1 }], Start, CancellationToken.None);

        var samples = Assert.Single((await ReadAllAsync(Start, Start.AddHours(1))).Members);

        Assert.Equal([(Start, 100L, 0), (Start.AddMinutes(1), 110L, 0), (Start, 120L, 1)],
            samples.Select(s => (s.At, s.DbSize, s.ClockEpoch)));
        Assert.Equal((Start, 1), await _store.LastKeptAsync("lab", CancellationToken.None));
    }

    [Fact]
    public async Task AClockCorrectedFromAMonthAheadDoesNotStopTheRollUp()
    {
        var ahead = Start.AddDays(30);
        await _store.AppendAsync("lab", [Sample(0, ahead, 100)], ahead, CancellationToken.None);
        // Set back to the true time: 52 h of readings, the roll-up's last run still a month "ahead" of every one of them.
        await FillAsync(Start, TimeSpan.FromHours(52), TimeSpan.FromMinutes(1), size: at => (long)(at - Start).TotalMinutes, clockEpoch: 1);

        var samples = Assert.Single((await ReadAllAsync(Start, ahead)).Members);

        Assert.Equal([Start, Start.AddHours(1), Start.AddHours(2)], samples.Where(s => s.At < Start.AddHours(3)).Select(s => s.At));
        Assert.Equal([29, 89, 149], samples.Where(s => s.At < Start.AddHours(3)).Select(s => s.DbSize));
    }

    [Fact]
    public async Task MeansOfBucketsNeverMixTheTwoSidesOfAStepBack()
    {
        // Two hours at 100 bytes, then the clock set back an hour and an hour at 200: the second hour is read twice.
        await FillAsync(Start, TimeSpan.FromHours(2), TimeSpan.FromMinutes(1), size: _ => 100);
        await FillAsync(Start.AddHours(1), TimeSpan.FromHours(1), TimeSpan.FromMinutes(1), size: _ => 200, clockEpoch: 1);

        var (members, bucket) = await _store.ReadAsync("lab", Start, Start.AddHours(2), 30, CancellationToken.None);

        var samples = Assert.Single(members);
        Assert.InRange(bucket, TimeSpan.FromMinutes(3.9), TimeSpan.FromMinutes(4)); // 119 minutes in 30 buckets
        Assert.Equal([.. Enumerable.Repeat(100L, 30), .. Enumerable.Repeat(200L, 15)], samples.Select(s => s.DbSize));
        Assert.Equal([.. Enumerable.Repeat(0, 30), .. Enumerable.Repeat(1, 15)], samples.Select(s => s.ClockEpoch));
    }

    /// <summary>The bound docs/configuration.md states per member at the shipped overlays' 1-minute watch, on a 3-member cluster
    /// after 92 days. The 5 s interval's figure (108,000 raw rows: 117 s of the suite) is `scripts/bench.sh history`'s.</summary>
    [Fact]
    public async Task NinetyTwoDaysOfReadingsStayWithinTheStatedSizePerMember()
    {
        const int everySeconds = 60;
        const long statedBytesPerMember = 400_000;
        const int members = 3;
        // 90 days of hourly means (made from readings every 10 min), then 50 h at the watch interval.
        await FillAsync(Start, TimeSpan.FromDays(90), TimeSpan.FromMinutes(10), members);
        var recent = Start + TimeSpan.FromDays(90);
        await FillAsync(recent, TimeSpan.FromHours(50), TimeSpan.FromSeconds(everySeconds), members);
        var now = recent + TimeSpan.FromHours(50);

        var rows = (await ReadAllAsync(Start, now)).Members.Sum(m => m.Count);
        _database.Dispose(); // checkpoints the WAL into the file
        var bytes = new FileInfo(Path).Length;
        output.WriteLine($"every {everySeconds} s: {rows} rows, {bytes} bytes, {bytes / members} bytes per member, {(double)bytes / rows:0.0} bytes per row");

        Assert.InRange(rows, members * (2160 + 48 * 3600 / everySeconds), members * (2162 + 49 * 3600 / everySeconds + 600 / everySeconds));
        Assert.True(bytes / members <= statedBytesPerMember, $"{bytes / members} bytes per member");
    }
}

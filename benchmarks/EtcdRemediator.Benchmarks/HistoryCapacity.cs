using EtcdRemediator.Configuration;
using EtcdRemediator.History;
using EtcdRemediator.Storage;

namespace EtcdRemediator.Benchmarks;

/// <summary>
/// The history's size after 92 days on a 3-member cluster (docs/configuration.md, "History"): 90 days of readings every
/// 10 minutes, rolled up into hourly means, then 50 hours at the watch interval, written as the watch writes them (20
/// readings a call, many calls at once). A capacity figure, not a unit test: the 5 s interval's 108,000 raw rows took
/// 117 s of the suite on a loaded machine. The unit test (HistoryStoreTests) keeps the 1-minute case and its bound.
/// </summary>
public static class HistoryCapacity
{
    private const int Members = 3;
    private static readonly string[] Header = ["watch interval", "rows", "bytes per member", "stated bound", "bytes per row", "filled in"];
    private static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task RunAsync(Options options)
    {
        var rows = new List<string[]> { Header };
        foreach (var (everySeconds, stated) in new[] { (60, 400_000L), (5, 2_400_000L) })
        {
            var dir = Directory.CreateTempSubdirectory("etcdrem-bench-history-").FullName;
            try
            {
                var path = Path.Combine(dir, "store.db");
                var clock = Stopwatch.StartNew();
                int count;
                using (var database = new RemediatorDatabase(Microsoft.Extensions.Options.Options.Create(
                           new RemediatorOptions { Storage = new StorageOptions { Path = path } })))
                {
                    await database.OpenAsync(CancellationToken.None);
                    var store = new HistoryStore(database);
                    await FillAsync(store, Start, TimeSpan.FromDays(90), TimeSpan.FromMinutes(10));
                    var recent = Start + TimeSpan.FromDays(90);
                    await FillAsync(store, recent, TimeSpan.FromHours(50), TimeSpan.FromSeconds(everySeconds));
                    var (members, _) = await store.ReadAsync("lab", Start, recent + TimeSpan.FromHours(50), int.MaxValue / 2, CancellationToken.None);
                    count = members.Sum(m => m.Count);
                } // disposed: the WAL is checkpointed into the file
                var elapsed = clock.Elapsed.TotalSeconds;
                var bytes = new FileInfo(path).Length;
                rows.Add([$"{everySeconds} s", count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                    (bytes / Members).ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                    stated.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), Report.F((double)bytes / count, "0.0"), Report.S(elapsed)]);
            }
            finally
            {
                Directory.Delete(dir, recursive: true);
            }
        }
        Report.Table($"History after 92 days, {Members} members (docs/configuration.md)", rows);
    }

    private static async Task FillAsync(HistoryStore store, DateTimeOffset from, TimeSpan span, TimeSpan every)
    {
        var times = Enumerable.Range(0, (int)(span / every)).Select(i => from + i * every).ToList();
        foreach (var calls in times.Chunk(20).Chunk(100))
            await Task.WhenAll(calls.Select(chunk => store.AppendAsync("lab",
                [.. chunk.SelectMany(at => Enumerable.Range(0, Members).Select(m => new MemberSample((ulong)m + 0xa000_0000_0000_0000, $"m{m}", at,
                    100 << 20, 50 << 20, 8L << 30, m == 0, m == 2 ? AlarmBits.NoSpace : 0)))],
                chunk[^1], CancellationToken.None)));
    }
}

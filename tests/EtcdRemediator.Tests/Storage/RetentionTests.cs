using EtcdRemediator.Alerts;
using Microsoft.Extensions.Logging.Abstractions;

namespace EtcdRemediator.Tests.Storage;

/// <summary>The store stops growing: a simulated year of deliveries and runs against the default retention.</summary>
public sealed class RetentionTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    /// <summary>The size the README promises for a year at this rate with the default retention.</summary>
    public const long StatedBytes = 64L * 1024 * 1024;

    private readonly string _dir = Directory.CreateTempSubdirectory("etcdrem-unit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// The audit keeps 30 days: from then on the store is in its steady state, so a year of deliveries is proved by
    /// its last 40 days (a full year of 105,120 deliveries took 256 s of the suite; the figure stays in
    /// docs/configuration.md). Every day of the year still stores its run: the runs are kept a year.
    /// </summary>
    [Fact]
    public async Task AYearOfADeliveryEveryFiveMinutesStaysWithinTheStatedSize()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new RemediatorOptions { Storage = new StorageOptions { Path = Path.Combine(_dir, "store.db") } });
        using var database = new RemediatorDatabase(options);
        var audit = new AlertAuditStore(database, options);
        var runs = new RunStore(database);
        var retention = new StoreRetention(database, options, time, NullLogger<StoreRetention>.Instance);
        await database.OpenAsync(CancellationToken.None);
        // A realistic delivery: Alertmanager's payload for one firing etcd alert (~2 KB), its disposition.
        var payload = new string('p', 2048);
        const int perDay = 24 * 12;

        const int deliveringDays = 40;
        for (var day = 0; day < 365; day++)
        {
            var deliveries = Enumerable.Range(0, day < 365 - deliveringDays ? 0 : perDay).Select(i =>
            {
                var at = time.GetUtcNow().AddMinutes(5 * i);
                return audit.SaveAsync(new AlertAuditEntry($"a-{day}-{i}", at, 202, "etcd-remediator", "{}/{alertname=~\"etcd.*\"}:{cluster=\"prod\"}",
                    [new AlertDisposition("4f9a1c2b3d4e5f60", "etcdDatabaseHighFragmentationRatio", "prod", "defrag", "cooldown", null, "cooldown until ...")],
                    null, payload, false), CancellationToken.None);
            });
            await Task.WhenAll(deliveries);
            await runs.SaveAsync(new RunRecord
            {
                Id = $"r-{day}",
                Cluster = "prod",
                Action = RemediationAction.Defrag,
                Trigger = new RunTrigger(TriggerKind.Alert, "etcdDatabaseHighFragmentationRatio"),
                CreatedAt = time.GetUtcNow(),
                Status = RunStatus.NothingToDo,
                FinishedAt = time.GetUtcNow(),
            }, CancellationToken.None);
            time.Advance(TimeSpan.FromDays(1));
            await retention.PruneAsync(CancellationToken.None);
        }

        var kept = await audit.ListAsync(int.MaxValue, CancellationToken.None);
        var bytes = Directory.GetFiles(_dir, "store.db*").Where(f => !f.EndsWith(".lock", StringComparison.Ordinal) && !f.EndsWith(".owner", StringComparison.Ordinal))
            .Sum(f => new FileInfo(f).Length);
        output.WriteLine($"after 365 days, {deliveringDays * perDay} deliveries in the last {deliveringDays}: store {bytes} bytes, {kept.Count} deliveries kept in the newest list answer");
        Assert.True(bytes < StatedBytes, $"the store is {bytes} bytes after a year");
        Assert.InRange(await CountAsync(database, "alert_audit"), 30 * perDay - perDay, 30 * perDay + perDay);
        Assert.Equal(365, await CountAsync(database, "runs")); // a year of runs is within RunRetention
        Assert.NotEmpty(kept);
    }

    [Fact]
    public async Task AFloodOfLargeDeliveriesStaysWithinTheAuditBudgetAndKeepsTheNewest()
    {
        const long budget = 1024 * 1024;
        var options = Options.Create(new RemediatorOptions { Storage = new StorageOptions { Path = Path.Combine(_dir, "store.db"), AuditMaxBytes = budget } });
        using var database = new RemediatorDatabase(options);
        var audit = new AlertAuditStore(database, options);
        await database.OpenAsync(CancellationToken.None);
        var at = new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);
        // 64 KiB of '<' per delivery: JSON-escaped as \u003C it was 6 times larger on disk.
        var hostile = new string('<', 64 * 1024);

        for (var i = 0; i < 200; i++)
            await audit.SaveAsync(new AlertAuditEntry($"a-{i:D3}", at.AddSeconds(i), 400, null, null, [], "not JSON", hostile, true), CancellationToken.None);

        var stored = long.Parse((await database.QueryTextAsync("SELECT CAST(SUM(length(entry)) AS TEXT) FROM alert_audit", _ => { }, CancellationToken.None))[0],
            System.Globalization.CultureInfo.InvariantCulture);
        var largest = long.Parse((await database.QueryTextAsync("SELECT CAST(MAX(length(entry)) AS TEXT) FROM alert_audit", _ => { }, CancellationToken.None))[0],
            System.Globalization.CultureInfo.InvariantCulture);
        var rows = await CountAsync(database, "alert_audit");
        output.WriteLine($"200 deliveries of 64 KiB: {rows} kept, {stored} characters stored, the largest row {largest}");
        Assert.InRange(stored, budget / 2 - 66 * 1024, budget); // pruned to half the budget at most one row ago
        Assert.True(largest < 66 * 1024, $"a row of 64 KiB of '<' is stored as {largest} characters");
        Assert.Equal("a-199", (await audit.ListAsync(1, CancellationToken.None)).Single().Id);
    }

    private static async Task<int> CountAsync(RemediatorDatabase database, string table) =>
        int.Parse((await database.QueryTextAsync($"SELECT CAST(COUNT(*) AS TEXT) FROM {table}", _ => { }, CancellationToken.None))[0],
            System.Globalization.CultureInfo.InvariantCulture);
}

using EtcdRemediator.Alerts;
using EtcdRemediator.Configuration;
using EtcdRemediator.Remediation;
using EtcdRemediator.Storage;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace EtcdRemediator.Tests.Storage;

/// <summary>The store stops growing: a simulated year of deliveries and runs against the default retention.</summary>
public sealed class RetentionTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    /// <summary>The size the README promises for a year at this rate with the default retention.</summary>
    public const long StatedBytes = 64L * 1024 * 1024;

    private readonly string _dir = Directory.CreateTempSubdirectory("etcdrem-unit-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task AYearOfADeliveryEveryFiveMinutesStaysWithinTheStatedSize()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = Options.Create(new RemediatorOptions { Storage = new StorageOptions { Path = Path.Combine(_dir, "store.db") } });
        using var database = new RemediatorDatabase(options);
        var audit = new AlertAuditStore(database);
        var runs = new RunStore(database);
        var retention = new StoreRetention(database, options, time, NullLogger<StoreRetention>.Instance);
        await database.OpenAsync(CancellationToken.None);
        // A realistic delivery: Alertmanager's payload for one firing etcd alert (~2 KB), its disposition.
        var payload = new string('p', 2048);
        const int perDay = 24 * 12;

        for (var day = 0; day < 365; day++)
        {
            var deliveries = Enumerable.Range(0, perDay).Select(i =>
            {
                var at = time.GetUtcNow().AddMinutes(5 * i);
                return audit.SaveAsync(new AlertAuditEntry($"a-{day}-{i}", at, 202, "etcd-remediator", "{}/{alertname=~\"etcd.*\"}:{cluster=\"prod\"}",
                    [new AlertDisposition("4f9a1c2b3d4e5f60", "etcdDatabaseHighFragmentationRatio", "prod", "defrag", "cooldown", null, "cooldown until ...")],
                    null, payload, false), CancellationToken.None);
            });
            await Task.WhenAll(deliveries);
            await runs.SaveAsync(new RunRecord
            {
                Id = $"r-{day}", Cluster = "prod", Action = "defrag", Trigger = new RunTrigger("alert", "etcdDatabaseHighFragmentationRatio"),
                CreatedAt = time.GetUtcNow(), Status = RunStatus.NothingToDo, FinishedAt = time.GetUtcNow(),
            }, CancellationToken.None);
            time.Advance(TimeSpan.FromDays(1));
            await retention.PruneAsync(CancellationToken.None);
        }

        var kept = await audit.ListAsync(int.MaxValue, CancellationToken.None);
        var bytes = Directory.GetFiles(_dir, "store.db*").Where(f => !f.EndsWith(".lock", StringComparison.Ordinal) && !f.EndsWith(".owner", StringComparison.Ordinal))
            .Sum(f => new FileInfo(f).Length);
        output.WriteLine($"after 365 days, {365 * perDay} deliveries: store {bytes} bytes, {kept.Count} deliveries kept in the newest list answer");
        Assert.True(bytes < StatedBytes, $"the store is {bytes} bytes after a year");
        Assert.InRange(await CountAsync(database, "alert_audit"), 30 * perDay - perDay, 30 * perDay + perDay);
        Assert.Equal(365, await CountAsync(database, "runs")); // a year of runs is within RunRetention
        Assert.NotEmpty(kept);
    }

    private static async Task<int> CountAsync(RemediatorDatabase database, string table) =>
        int.Parse((await database.QueryTextAsync($"SELECT CAST(COUNT(*) AS TEXT) FROM {table}", _ => { }, CancellationToken.None))[0],
            System.Globalization.CultureInfo.InvariantCulture);
}

using EtcdRemediator.History;
using Microsoft.Data.Sqlite;

namespace EtcdRemediator.Tests.Storage;

/// <summary>A store written before clock epochs: its history is kept, as epoch 0, and the table gets the new key.</summary>
public sealed class MemberSamplesTableTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _dir = Directory.CreateTempSubdirectory("etcdrem-unit-db-").FullName;

    private string Path => System.IO.Path.Combine(_dir, "store.db");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The table as the versions before issue 34 made it, with two readings of one member.</summary>
    private void WriteAsBefore()
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            CREATE TABLE member_samples (
                cluster TEXT NOT NULL, hourly INTEGER NOT NULL, at INTEGER NOT NULL, member_id INTEGER NOT NULL, member_name TEXT NOT NULL,
                db_size INTEGER NOT NULL, db_size_in_use INTEGER NOT NULL, quota INTEGER NOT NULL, leader INTEGER NOT NULL, alarms INTEGER NOT NULL,
                PRIMARY KEY (cluster, hourly, at, member_id)) WITHOUT ROWID;
            INSERT INTO member_samples VALUES ('lab', 0, {T0.ToUnixTimeMilliseconds()}, 7, 'm1', 100, 40, 1000, 1, 0);
            INSERT INTO member_samples VALUES ('lab', 0, {T0.AddMinutes(1).ToUnixTimeMilliseconds()}, 7, 'm1', 110, 40, 1000, 1, 1);
            """;
        command.ExecuteNonQuery();
    }

    private async Task<RemediatorDatabase> OpenAsync()
    {
        var database = new RemediatorDatabase(Options.Create(new RemediatorOptions { Storage = new StorageOptions { Path = Path } }));
        await database.OpenAsync(CancellationToken.None);
        return database;
    }

    [Fact]
    public async Task AStoreFromBeforeClockEpochsKeepsItsReadingsAsEpochZeroAndTakesReadingsAtTheSameTimeAfterAStep()
    {
        WriteAsBefore();

        using (var first = await OpenAsync())
        {
            var store = new HistoryStore(first);
            await store.AppendAsync("lab", [new MemberSample(7, "m1", T0, 120, 40, 1000, true, 0, ClockEpoch: 1)], T0, CancellationToken.None);
        }
        using var reopened = await OpenAsync(); // once migrated, opening again changes nothing
        var (members, _) = await new HistoryStore(reopened).ReadAsync("lab", T0, T0.AddHours(1), 100, CancellationToken.None);

        Assert.Equal([(T0, 100L, 0, 0), (T0.AddMinutes(1), 110L, 1, 0), (T0, 120L, 0, 1)],
            Assert.Single(members).Select(s => (s.At, s.DbSize, s.Alarms, s.ClockEpoch)));
    }
}

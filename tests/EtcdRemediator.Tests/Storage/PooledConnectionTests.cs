using Microsoft.Data.Sqlite;

namespace EtcdRemediator.Tests.Storage;

/// <summary>
/// A pooled connection handed back inside a transaction (SQLite keeps a transaction open when its COMMIT fails, for
/// example on a deferred constraint or a busy timeout; the writer then redoes the batch write by write and its callers
/// hear success) once made every later use of that connection fail with "Safety level may not be changed inside a
/// transaction" (RetentionTests, once, in CI's unit pass on a loaded machine).
/// </summary>
public sealed class PooledConnectionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("etcdrem-unit-db-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task AConnectionLeftInsideATransactionIsRolledBackBeforeItIsUsedAgain()
    {
        var path = Path.Combine(_dir, "store.db");
        using var database = new RemediatorDatabase(Options.Create(new RemediatorOptions { Storage = new StorageOptions { Path = path } }));
        await database.OpenAsync(CancellationToken.None);
        await database.WriteAsync("INSERT INTO schedule_marks (key, due_at) VALUES ('lab/s', 'then')", _ => { }, CancellationToken.None);

        // The store's own pool (same connection string): a connection goes back to it with a write transaction open.
        var pooled = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 5, Mode = SqliteOpenMode.ReadWrite };
        using (var poisoned = new SqliteConnection(pooled.ToString()))
        {
            poisoned.Open();
            using var begin = poisoned.CreateCommand();
            begin.CommandText = "BEGIN IMMEDIATE; DELETE FROM schedule_marks;";
            begin.ExecuteNonQuery();
        }

        var marks = await database.QueryAsync("SELECT COUNT(*) FROM schedule_marks", _ => { }, r => r.GetInt64(0), CancellationToken.None);
        await database.WriteAsync("INSERT INTO schedule_marks (key, due_at) VALUES ('lab/t', 'now')", _ => { }, CancellationToken.None);

        Assert.Equal(1, marks.Single()); // the uncommitted delete was rolled back, not seen
        Assert.Equal(2, (await database.QueryAsync("SELECT COUNT(*) FROM schedule_marks", _ => { }, r => r.GetInt64(0), CancellationToken.None)).Single());
    }
}

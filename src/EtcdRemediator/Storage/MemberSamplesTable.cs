using Microsoft.Data.Sqlite;

namespace EtcdRemediator.Storage;

/// <summary>
/// The history's table (<c>History/HistoryStore</c> reads and writes it). <c>clock_epoch</c> counts the steps back of
/// the wall clock the recorder had seen when it kept a row: with it in the key, a reading taken after a step back never
/// replaces one taken before it at the same clock time. Stores made before it existed are rebuilt once, their rows
/// as epoch 0.
/// </summary>
internal static class MemberSamplesTable
{
    private const string Create = """
        CREATE TABLE IF NOT EXISTS member_samples (
            cluster TEXT NOT NULL,
            hourly INTEGER NOT NULL,
            at INTEGER NOT NULL,
            member_id INTEGER NOT NULL,
            member_name TEXT NOT NULL,
            db_size INTEGER NOT NULL,
            db_size_in_use INTEGER NOT NULL,
            quota INTEGER NOT NULL,
            leader INTEGER NOT NULL,
            alarms INTEGER NOT NULL,
            clock_epoch INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (cluster, hourly, at, member_id, clock_epoch)) WITHOUT ROWID;
        """;

    private const string Columns = "cluster, hourly, at, member_id, member_name, db_size, db_size_in_use, quota, leader, alarms";

    public static async Task CreateOrMigrateAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        // 1 when the table exists without the column (0 AND NULL is 0 when it does not exist at all).
        command.CommandText = "SELECT count(*) > 0 AND sum(name = 'clock_epoch') = 0 FROM pragma_table_info('member_samples')";
        var before = (long)(await command.ExecuteScalarAsync(cancellationToken))! == 1;
        command.CommandText = before
            ? $"""
              ALTER TABLE member_samples RENAME TO member_samples_before_epochs;
              {Create}
              INSERT INTO member_samples ({Columns}) SELECT {Columns} FROM member_samples_before_epochs;
              DROP TABLE member_samples_before_epochs;
              """
            : Create;
        await command.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }
}

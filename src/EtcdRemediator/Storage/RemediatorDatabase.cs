using System.Threading.Channels;
using EtcdRemediator.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Storage;

/// <summary>The run store cannot record anything now; the caller answers 503 and logs it.</summary>
internal sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The embedded SQLite file behind the run store and the alert audit. WAL with synchronous=FULL:
/// a write has reached the disk before its caller is answered. One writer, with group commit:
/// writes that arrive together share one transaction (one fsync), and each caller is released only
/// once that transaction is committed. An alert storm costs one fsync per batch, not per delivery.
/// </summary>
internal sealed class RemediatorDatabase(IOptions<RemediatorOptions> options) : IDisposable
{
    private const int MaxBatch = 256;

    private sealed record PendingWrite(string Sql, Action<SqliteCommand> Bind, TaskCompletionSource Done);

    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _writerLoop;

    // One transaction: a new store's tables and indexes are made together (none half made) with one fsync, not
    // one per statement (7-45 ms on a first start here, issue 40); on an existing store every statement is a no-op.
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        BEGIN;
        CREATE TABLE IF NOT EXISTS runs (
            id TEXT PRIMARY KEY,
            cluster TEXT NOT NULL,
            status TEXT NOT NULL,
            created_at TEXT NOT NULL,
            record TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS runs_by_cluster ON runs (cluster, created_at);
        CREATE INDEX IF NOT EXISTS runs_by_status ON runs (status);
        CREATE INDEX IF NOT EXISTS runs_by_time ON runs (created_at);
        CREATE TABLE IF NOT EXISTS alert_audit (
            id TEXT PRIMARY KEY,
            received_at TEXT NOT NULL,
            status_code INTEGER NOT NULL,
            entry TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS alert_audit_by_time ON alert_audit (received_at);
        CREATE TABLE IF NOT EXISTS schedule_marks (
            key TEXT PRIMARY KEY,
            due_at TEXT NOT NULL);
        COMMIT;
        """;

    private string? _connectionString;
    private string? _path;
    private StoreLock? _lock;
    private volatile string? _deleted;
    private volatile string? _lastWriteError;

    /// <summary>
    /// Why the store cannot take work now, or null: its file was deleted under the running service
    /// (until a restart), or the last write failed (until one succeeds). Readiness reports it.
    /// </summary>
    public string? Fault
    {
        get
        {
            CheckFile();
            return _deleted ?? _lastWriteError;
        }
    }

    /// <summary>Set for good once the file is gone: nothing written from then on would survive.</summary>
    public string? Lost
    {
        get
        {
            CheckFile();
            return _deleted;
        }
    }

    /// <summary>SQLite keeps writing into an unlinked file without a word: look at the path itself.</summary>
    private void CheckFile()
    {
        if (_path is not null && _deleted is null && !File.Exists(_path))
            _deleted = $"the run store file {_path} was deleted while the service was running: nothing can be recorded; restart the service";
    }

    public bool IsOpen => _connectionString is not null;

    private long _commits;

    /// <summary>Transactions committed by the writer: one per batch of writes that arrived together.</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Takes the store's lock (<see cref="StoreLock"/>) without opening it: a held store is then refused before the host starts.</summary>
    public void Lock()
    {
        var path = Path.GetFullPath(options.Value.Storage.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        _lock ??= StoreLock.Acquire(path);
    }

    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(options.Value.Storage.Path);
        Lock();
        var create = new SqliteConnectionStringBuilder
        {
            DataSource = path, Pooling = false, DefaultTimeout = 5, Mode = SqliteOpenMode.ReadWriteCreate
        };
        await using (var connection = new SqliteConnection(create.ToString()))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = Schema;
            await command.ExecuteNonQueryAsync(cancellationToken);
            await MemberSamplesTable.CreateOrMigrateAsync(connection, cancellationToken);
        }
        // Run records name members and snapshot paths: readable by the service's user only.
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        _path = path;
        // After start-up the file must exist: a deleted store is never silently recreated empty.
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path, Pooling = true, DefaultTimeout = 5, Mode = SqliteOpenMode.ReadWrite
        }.ToString();
        _writerLoop = Task.Run(WriteLoopAsync, CancellationToken.None);
    }

    /// <summary>Completes once the write is committed to disk; throws if it was not.</summary>
    public async Task WriteAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        if (_writerLoop is null) throw new StoreUnavailableException("the run store is not open");
        var pending = new PendingWrite(sql, bind, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await _writes.Writer.WriteAsync(pending, cancellationToken);
        await pending.Done.Task.WaitAsync(cancellationToken);
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031",
        Justification = "Every failure of a write, whatever its type, goes to its caller as a StoreUnavailableException; the loop goes on.")]
    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (await _writes.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var write)) batch.Add(write);
            CheckFile();
            if (_deleted is { } gone)
            {
                foreach (var write in batch) write.Done.TrySetException(new StoreUnavailableException(gone));
                continue;
            }
            try
            {
                // Back in the pool before the writers hear of it: what they do next finds the pool as the commit left it.
                await using (var connection = await ConnectAsync(CancellationToken.None))
                {
                    try
                    {
                        await using var transaction = await connection.BeginTransactionAsync();
                        foreach (var write in batch) await ExecuteAsync(connection, write, (SqliteTransaction)transaction);
                        await transaction.CommitAsync();
                    }
                    catch
                    {
                        // SQLite keeps the transaction open when COMMIT fails: never hand it back to the pool inside one.
                        RollBackAnyTransaction(connection);
                        throw;
                    }
                }
                Interlocked.Increment(ref _commits);
                foreach (var write in batch) write.Done.TrySetResult();
                _lastWriteError = null;
            }
            catch (Exception e) when (batch.Count == 1)
            {
                _lastWriteError = $"the last write failed: {e.Message}";
                batch[0].Done.TrySetException(new StoreUnavailableException(_lastWriteError, e));
            }
            catch (Exception)
            {
                // One bad write must not fail its neighbours: each alone, so each caller hears its own fate.
                foreach (var write in batch)
                {
                    try
                    {
                        await using (var connection = await ConnectAsync(CancellationToken.None))
                            await ExecuteAsync(connection, write, null);
                        write.Done.TrySetResult();
                        _lastWriteError = null;
                    }
                    catch (Exception e)
                    {
                        _lastWriteError = $"the last write failed: {e.Message}";
                        write.Done.TrySetException(new StoreUnavailableException(_lastWriteError, e));
                    }
                }
            }
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, PendingWrite write, SqliteTransaction? transaction)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = write.Sql;
        write.Bind(command);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>What one list answer may read: the newest rows up to about 4 MiB of JSON (always one row).</summary>
    public const int MaxResponseChars = 4 * 1024 * 1024;

    /// <summary>The first column of each row, up to <paramref name="maxChars"/>; a store that cannot be read
    /// (its file gone, the disk failing) is a <see cref="StoreUnavailableException"/>, as for writes.</summary>
    public async Task<List<string>> QueryTextAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken,
        int maxChars = int.MaxValue)
    {
        var rows = new List<string>();
        var chars = 0L;
        await ReadAsync(sql, bind, reader =>
        {
            var row = reader.GetString(0);
            chars += row.Length;
            if (rows.Count > 0 && chars > maxChars) return false;
            rows.Add(row);
            return chars < maxChars;
        }, cancellationToken);
        return rows;
    }

    /// <summary>Every row, as <paramref name="read"/> makes it: for stores whose rows are columns, not one JSON text.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql, Action<SqliteCommand> bind, Func<SqliteDataReader, T> read,
        CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        await ReadAsync(sql, bind, reader =>
        {
            rows.Add(read(reader));
            return true;
        }, cancellationToken);
        return rows;
    }

    /// <summary>Reads rows while <paramref name="row"/> says to go on; an unreadable store is a <see cref="StoreUnavailableException"/>.</summary>
    private async Task ReadAsync(string sql, Action<SqliteCommand> bind, Func<SqliteDataReader, bool> row, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await ConnectAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken) && row(reader))
            {
            }
        }
        catch (SqliteException e)
        {
            CheckFile();
            throw new StoreUnavailableException(_deleted ?? $"the run store cannot be read: {e.Message}", e);
        }
    }

    private async Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString ?? throw new InvalidOperationException("the run store is not open"));
        await connection.OpenAsync(cancellationToken);
        RollBackAnyTransaction(connection); // a pooled connection left inside one would refuse the pragma below and hold the write lock
        await using var pragmas = connection.CreateCommand();
        // Per connection: a commit returns only once it is on disk.
        pragmas.CommandText = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;";
        await pragmas.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    /// <summary>Ends a transaction the connection is still inside (SQLite's autocommit is off), undoing it: none was reported committed.</summary>
    private static void RollBackAnyTransaction(SqliteConnection connection)
    {
        if (connection.Handle is null || SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) != 0) return;
        using var rollback = connection.CreateCommand();
        rollback.CommandText = "ROLLBACK";
        rollback.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _writes.Writer.TryComplete();
        _writerLoop?.Wait(TimeSpan.FromSeconds(10));
        // This store's pooled connections only (their file handles, before the lock goes): ClearAllPools emptied every
        // store's pool in the process, and a test host's other live service then failed a write on a disposed handle
        // ("Cannot access a disposed object: SQLitePCL.sqlite3", found with six test classes at a time).
        if (_connectionString is not null)
        {
            using var connection = new SqliteConnection(_connectionString);
            SqliteConnection.ClearPool(connection);
        }
        _lock?.Dispose();
    }
}

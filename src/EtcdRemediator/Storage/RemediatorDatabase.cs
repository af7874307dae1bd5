using EtcdRemediator.Configuration;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Storage;

/// <summary>
/// The embedded SQLite file behind the run store and the alert audit. WAL with synchronous=FULL:
/// a write has reached the disk before the caller is told 2xx. One writer at a time.
/// </summary>
public sealed class RemediatorDatabase(IOptions<RemediatorOptions> options) : IDisposable
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
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
        """;

    private readonly SemaphoreSlim _writer = new(1, 1);
    private string? _connectionString;

    public bool IsOpen => _connectionString is not null;

    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(options.Value.Storage.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 5 }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = Schema;
        await command.ExecuteNonQueryAsync(cancellationToken);
        _connectionString = connectionString;
    }

    public async Task WriteAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await ConnectAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            bind(command);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            _writer.Release();
        }
    }

    public async Task<List<string>> QueryTextAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<string>();
        while (await reader.ReadAsync(cancellationToken)) rows.Add(reader.GetString(0));
        return rows;
    }

    private async Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString ?? throw new InvalidOperationException("the run store is not open"));
        await connection.OpenAsync(cancellationToken);
        await using var pragmas = connection.CreateCommand();
        // Per connection: a commit returns only once it is on disk.
        pragmas.CommandText = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;";
        await pragmas.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    public void Dispose()
    {
        _writer.Dispose();
        SqliteConnection.ClearAllPools();
    }
}

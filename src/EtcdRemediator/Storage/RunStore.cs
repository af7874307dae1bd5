using System.Text.Json;
using EtcdRemediator.Configuration;
using EtcdRemediator.Remediation;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Storage;

/// <summary>
/// Runs in an embedded SQLite database: the record as JSON plus the columns we query by.
/// WAL with synchronous=FULL, so a run is on disk before the caller is told 2xx; one writer at a time.
/// </summary>
public sealed class RunStore(IOptions<RemediatorOptions> options) : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly SemaphoreSlim _writer = new(1, 1);
    private string? _connectionString;

    public bool IsOpen => _connectionString is not null;

    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(options.Value.Storage.Path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString();
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await ExecuteAsync(connection, """
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
            """, cancellationToken);
        _connectionString = connectionString;
    }

    public Task SaveAsync(RunRecord run, CancellationToken cancellationToken) =>
        WriteAsync("""
            INSERT INTO runs (id, cluster, status, created_at, record) VALUES ($id, $cluster, $status, $created, $record)
            ON CONFLICT (id) DO UPDATE SET status = excluded.status, record = excluded.record
            """,
            command =>
            {
                command.Parameters.AddWithValue("$id", run.Id);
                command.Parameters.AddWithValue("$cluster", run.Cluster);
                command.Parameters.AddWithValue("$status", run.Status.ToString());
                command.Parameters.AddWithValue("$created", run.CreatedAt.UtcDateTime.ToString("O"));
                command.Parameters.AddWithValue("$record", JsonSerializer.Serialize(run, Json));
            }, cancellationToken);

    public async Task<RunRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT record FROM runs WHERE id = $id", c => c.Parameters.AddWithValue("$id", id), cancellationToken)).FirstOrDefault();

    /// <summary>Newest first; all clusters when <paramref name="cluster"/> is null.</summary>
    public Task<List<RunRecord>> ListAsync(string? cluster, int limit, CancellationToken cancellationToken) =>
        QueryAsync(
            cluster is null
                ? "SELECT record FROM runs ORDER BY created_at DESC, rowid DESC LIMIT $limit"
                : "SELECT record FROM runs WHERE cluster = $cluster COLLATE NOCASE ORDER BY created_at DESC, rowid DESC LIMIT $limit",
            c =>
            {
                c.Parameters.AddWithValue("$limit", limit);
                if (cluster is not null) c.Parameters.AddWithValue("$cluster", cluster);
            }, cancellationToken);

    public Task<List<RunRecord>> ListByStatusAsync(IEnumerable<RunStatus> statuses, CancellationToken cancellationToken)
    {
        var names = statuses.Select(s => $"'{s}'");
        return QueryAsync($"SELECT record FROM runs WHERE status IN ({string.Join(",", names)}) ORDER BY created_at", _ => { }, cancellationToken);
    }

    private async Task WriteAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
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

    private async Task<List<RunRecord>> QueryAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken)
    {
        await using var connection = await ConnectAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var runs = new List<RunRecord>();
        while (await reader.ReadAsync(cancellationToken))
            runs.Add(JsonSerializer.Deserialize<RunRecord>(reader.GetString(0), Json)!);
        return runs;
    }

    private async Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString ?? throw new InvalidOperationException("the run store is not open"));
        await connection.OpenAsync(cancellationToken);
        // Per connection: a commit returns only once it is on disk.
        await ExecuteAsync(connection, "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;", cancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Dispose()
    {
        _writer.Dispose();
        SqliteConnection.ClearAllPools();
    }
}

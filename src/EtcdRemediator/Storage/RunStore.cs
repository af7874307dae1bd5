using System.Text.Json;
using EtcdRemediator.Remediation;

namespace EtcdRemediator.Storage;

/// <summary>Runs: the record as JSON, plus the columns we query by.</summary>
public sealed class RunStore(RemediatorDatabase database)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public bool IsOpen => database.IsOpen;

    public Task OpenAsync(CancellationToken cancellationToken) => database.OpenAsync(cancellationToken);

    public Task SaveAsync(RunRecord run, CancellationToken cancellationToken) =>
        database.WriteAsync("""
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

    public Task<List<RunRecord>> ListByStatusAsync(IEnumerable<RunStatus> statuses, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT record FROM runs WHERE status IN ({string.Join(",", statuses.Select(s => $"'{s}'"))}) ORDER BY created_at",
            _ => { }, cancellationToken);

    private async Task<List<RunRecord>> QueryAsync(string sql, Action<Microsoft.Data.Sqlite.SqliteCommand> bind, CancellationToken cancellationToken) =>
        [.. (await database.QueryTextAsync(sql, bind, cancellationToken)).Select(json => JsonSerializer.Deserialize<RunRecord>(json, Json)!)];
}

using System.Text.Json;
using EtcdRemediator.Storage;

namespace EtcdRemediator.Remediation.Runs;

/// <summary>
/// Runs: the record as JSON, plus the columns we query by. A run whose latest state could not be
/// written stays readable from memory, so that nobody waits forever on a "Running" the store
/// still holds; it is written as soon as the store takes writes again.
/// </summary>
internal sealed class RunStore(RemediatorDatabase database)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _unrecorded = new();

    public bool IsOpen => database.IsOpen;

    /// <summary>Why the store cannot take work now, or null.</summary>
    public string? Fault => database.Fault;

    /// <summary>The store's file is gone: no answer may promise durability any more.</summary>
    public string? Lost => database.Lost;

    public Task OpenAsync(CancellationToken cancellationToken) => database.OpenAsync(cancellationToken);

    public async Task SaveAsync(RunRecord run, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(run, RunJson.Default.RunRecord);
        try
        {
            await WriteAsync(run, json, cancellationToken);
            _unrecorded.TryRemove(run.Id, out _);
            foreach (var (id, pending) in _unrecorded)
                if (_unrecorded.TryRemove(id, out _)) await WriteAsync(Parse(pending), pending, cancellationToken);
        }
        catch (StoreUnavailableException)
        {
            _unrecorded[run.Id] = json;
            throw;
        }
    }

    private Task WriteAsync(RunRecord run, string json, CancellationToken cancellationToken) =>
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
                command.Parameters.AddWithValue("$record", json);
            }, cancellationToken);

    public async Task<RunRecord?> GetAsync(string id, CancellationToken cancellationToken)
    {
        if (_unrecorded.TryGetValue(id, out var pending)) return Parse(pending);
        return (await QueryAsync("SELECT record FROM runs WHERE id = $id", c => c.Parameters.AddWithValue("$id", id), cancellationToken))
            .FirstOrDefault();
    }

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

    private async Task<List<RunRecord>> QueryAsync(string sql, Action<Microsoft.Data.Sqlite.SqliteCommand> bind,
        CancellationToken cancellationToken) =>
        [.. (await database.QueryTextAsync(sql, bind, cancellationToken, RemediatorDatabase.MaxResponseChars))
            .Select(Parse)
            .Select(run => _unrecorded.TryGetValue(run.Id, out var pending) ? Parse(pending) : run)];

    /// <summary>
    /// A stored run, read strictly: an action, trigger kind or status this version does not know is
    /// an error naming the run (written by a newer version, or edited), never silently another value.
    /// </summary>
    public static RunRecord Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, RunJson.Default.RunRecord) ?? throw new JsonException("the record is null");
        }
        catch (JsonException e)
        {
            var id = "?";
            try { id = JsonDocument.Parse(json).RootElement.GetProperty("id").GetString() ?? "?"; }
            catch (Exception inner) when (inner is JsonException or KeyNotFoundException or InvalidOperationException) { }
            throw new StoreUnavailableException($"run {id} in the store cannot be read by this version: {e.Message}", e);
        }
    }
}

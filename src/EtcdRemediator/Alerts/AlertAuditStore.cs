using System.Text.Json;
using EtcdRemediator.Storage;

namespace EtcdRemediator.Alerts;

/// <summary>Every webhook delivery with what became of it, so a dropped alert can be found.</summary>
public sealed class AlertAuditStore(RemediatorDatabase database)
{
    public Task SaveAsync(AlertAuditEntry entry, CancellationToken cancellationToken) =>
        database.WriteAsync("INSERT INTO alert_audit (id, received_at, status_code, entry) VALUES ($id, $at, $code, $entry)",
            command =>
            {
                command.Parameters.AddWithValue("$id", entry.Id);
                command.Parameters.AddWithValue("$at", entry.ReceivedAt.UtcDateTime.ToString("O"));
                command.Parameters.AddWithValue("$code", entry.StatusCode);
                command.Parameters.AddWithValue("$entry", JsonSerializer.Serialize(entry.Bounded(), System.Text.Json.JsonSerializerOptions.Web));
            }, cancellationToken);

    public async Task<List<AlertAuditEntry>> ListAsync(int limit, CancellationToken cancellationToken) =>
        [.. (await database.QueryTextAsync("SELECT entry FROM alert_audit ORDER BY received_at DESC, rowid DESC LIMIT $limit",
            c => c.Parameters.AddWithValue("$limit", limit), cancellationToken, RemediatorDatabase.MaxResponseChars))
            .Select(json => JsonSerializer.Deserialize<AlertAuditEntry>(json, System.Text.Json.JsonSerializerOptions.Web)!)];
}

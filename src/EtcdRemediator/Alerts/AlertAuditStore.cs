using System.Text.Encodings.Web;
using System.Text.Json;
using EtcdRemediator.Configuration;
using EtcdRemediator.Storage;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Alerts;

/// <summary>
/// Every webhook delivery with what became of it, so a dropped alert can be found. Bounded on
/// insert by <c>Storage:AuditMaxBytes</c> (the newest rows that fit are kept), besides the hourly
/// age and count limits: the audit shares its disk with the snapshots, and a snapshot that finds
/// no room stops every defrag.
/// </summary>
internal sealed class AlertAuditStore(RemediatorDatabase database, IOptions<RemediatorOptions> options)
{
    /// <summary>Stored as written: the API re-encodes what it serves, so `&lt;` need not become six bytes here.</summary>
    private static readonly AlertJson Stored =
        new(new JsonSerializerOptions(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>Bytes of stored entries (UTF-8, as SQLite holds them), as far as this process knows; -1: count again.</summary>
    private long _stored = -1;

    private long Budget => options.Value.Storage.AuditMaxBytes;

    public async Task SaveAsync(AlertAuditEntry entry, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(entry.Bounded(), Stored.AlertAuditEntry);
        await database.WriteAsync("INSERT INTO alert_audit (id, received_at, status_code, entry) VALUES ($id, $at, $code, $entry)",
            command =>
            {
                command.Parameters.AddWithValue("$id", entry.Id);
                command.Parameters.AddWithValue("$at", entry.ReceivedAt.UtcDateTime.ToString("O"));
                command.Parameters.AddWithValue("$code", entry.StatusCode);
                command.Parameters.AddWithValue("$entry", json);
            }, cancellationToken);
        if (Interlocked.Read(ref _stored) < 0) Interlocked.Exchange(ref _stored, await StoredBytesAsync(cancellationToken));
        else Interlocked.Add(ref _stored, System.Text.Encoding.UTF8.GetByteCount(json));
        if (Interlocked.Read(ref _stored) > Budget) await PruneToBudgetAsync(cancellationToken);
    }

    /// <summary>
    /// Keeps the newest entries that fit in half the budget, so that a prune is paid once per half a budget of
    /// deliveries (at nine tenths, a storm past the budget pruned every few megabytes, and its 32-client p99 went from
    /// tens of milliseconds to 3 s). Sizes come from octet_length, which SQLite reads from the row's header; length()
    /// decoded every stored text, 64 MiB of it, on every prune.
    /// </summary>
    private async Task PruneToBudgetAsync(CancellationToken cancellationToken)
    {
        await database.WriteAsync("""
            DELETE FROM alert_audit WHERE rowid IN (
                SELECT rowid FROM (SELECT rowid, SUM(octet_length(entry)) OVER (ORDER BY received_at DESC, rowid DESC) AS newer FROM alert_audit)
                WHERE newer > $keep)
            """, command => command.Parameters.AddWithValue("$keep", Budget / 2), cancellationToken);
        Interlocked.Exchange(ref _stored, await StoredBytesAsync(cancellationToken));
    }

    private async Task<long> StoredBytesAsync(CancellationToken cancellationToken) =>
        (await database.QueryAsync("SELECT COALESCE(SUM(octet_length(entry)), 0) FROM alert_audit", _ => { }, r => r.GetInt64(0),
            cancellationToken))[0];

    public async Task<List<AlertAuditEntry>> ListAsync(int limit, CancellationToken cancellationToken) =>
        [.. (await database.QueryTextAsync("SELECT entry FROM alert_audit ORDER BY received_at DESC, rowid DESC LIMIT $limit",
            c => c.Parameters.AddWithValue("$limit", limit), cancellationToken, RemediatorDatabase.MaxResponseChars))
            .Select(json => JsonSerializer.Deserialize(json, AlertJson.Default.AlertAuditEntry)!)];
}

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
public sealed class AlertAuditStore(RemediatorDatabase database, IOptions<RemediatorOptions> options)
{
    /// <summary>Stored as written: the API re-encodes what it serves, so `&lt;` need not become six bytes here.</summary>
    private static readonly JsonSerializerOptions Stored = new(JsonSerializerOptions.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Characters of stored entries, as far as this process knows; -1: count again.</summary>
    private long _stored = -1;

    private long Budget => options.Value.Storage.AuditMaxBytes;

    public async Task SaveAsync(AlertAuditEntry entry, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.Serialize(entry.Bounded(), Stored);
        await database.WriteAsync("INSERT INTO alert_audit (id, received_at, status_code, entry) VALUES ($id, $at, $code, $entry)",
            command =>
            {
                command.Parameters.AddWithValue("$id", entry.Id);
                command.Parameters.AddWithValue("$at", entry.ReceivedAt.UtcDateTime.ToString("O"));
                command.Parameters.AddWithValue("$code", entry.StatusCode);
                command.Parameters.AddWithValue("$entry", json);
            }, cancellationToken);
        if (Interlocked.Read(ref _stored) < 0) Interlocked.Exchange(ref _stored, await StoredCharsAsync(cancellationToken));
        else Interlocked.Add(ref _stored, json.Length);
        if (Interlocked.Read(ref _stored) > Budget) await PruneToBudgetAsync(cancellationToken);
    }

    /// <summary>Keeps the newest entries that fit in nine tenths of the budget, so pruning is not paid on every insert.</summary>
    private async Task PruneToBudgetAsync(CancellationToken cancellationToken)
    {
        await database.WriteAsync("""
            DELETE FROM alert_audit WHERE rowid IN (
                SELECT rowid FROM (SELECT rowid, SUM(length(entry)) OVER (ORDER BY received_at DESC, rowid DESC) AS newer FROM alert_audit)
                WHERE newer > $keep)
            """, command => command.Parameters.AddWithValue("$keep", Budget / 10 * 9), cancellationToken);
        Interlocked.Exchange(ref _stored, await StoredCharsAsync(cancellationToken));
    }

    private async Task<long> StoredCharsAsync(CancellationToken cancellationToken) =>
        (await database.QueryAsync("SELECT COALESCE(SUM(length(entry)), 0) FROM alert_audit", _ => { }, r => r.GetInt64(0), cancellationToken))[0];

    public async Task<List<AlertAuditEntry>> ListAsync(int limit, CancellationToken cancellationToken) =>
        [.. (await database.QueryTextAsync("SELECT entry FROM alert_audit ORDER BY received_at DESC, rowid DESC LIMIT $limit",
            c => c.Parameters.AddWithValue("$limit", limit), cancellationToken, RemediatorDatabase.MaxResponseChars))
            .Select(json => JsonSerializer.Deserialize<AlertAuditEntry>(json, JsonSerializerOptions.Web)!)];
}

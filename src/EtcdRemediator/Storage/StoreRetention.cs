using EtcdRemediator.Configuration;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Storage;

/// <summary>
/// Keeps the store bounded: deliveries older than <c>Storage:AuditRetention</c> or beyond
/// <c>AuditMaxEntries</c>, finished runs older than <c>RunRetention</c> or beyond <c>MaxRuns</c>,
/// go. Queued, running and deferred runs never do. SQLite reuses the freed pages, so the file stops growing
/// at the size of one retention period. Runs at start-up and then hourly.
/// </summary>
internal sealed class StoreRetention(RemediatorDatabase database, IOptions<RemediatorOptions> options, TimeProvider time,
    ILogger<StoreRetention> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    public Task PruneAsync(CancellationToken cancellationToken)
    {
        var o = options.Value.Storage;
        var now = time.GetUtcNow();
        return database.WriteAsync("""
            DELETE FROM alert_audit WHERE received_at < $auditCutoff
                OR rowid NOT IN (SELECT rowid FROM alert_audit ORDER BY received_at DESC, rowid DESC LIMIT $auditMax);
            DELETE FROM runs WHERE status NOT IN ('Queued', 'Running', 'Deferred') AND (created_at < $runCutoff
                OR rowid NOT IN (SELECT rowid FROM runs ORDER BY created_at DESC, rowid DESC LIMIT $runMax));
            """,
            command =>
            {
                command.Parameters.AddWithValue("$auditCutoff", (now - o.AuditRetention).UtcDateTime.ToString("O"));
                command.Parameters.AddWithValue("$auditMax", o.AuditMaxEntries);
                command.Parameters.AddWithValue("$runCutoff", (now - o.RunRetention).UtcDateTime.ToString("O"));
                command.Parameters.AddWithValue("$runMax", o.MaxRuns);
            }, cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        do
        {
            try
            {
                if (database.IsOpen) await PruneAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Store retention failed; it tries again in {Interval}: {Error}", Interval, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}

using System.Globalization;
using EtcdRemediator.Storage;

namespace EtcdRemediator.Scheduling;

/// <summary>
/// The last occurrence each schedule fired for, in the run database: what a schedule owes after a
/// restart is derived from it (and from the configuration), never from memory.
/// </summary>
internal sealed class ScheduleMarkStore(RemediatorDatabase database)
{
    public async Task<Dictionary<string, DateTimeOffset>> LoadAsync(CancellationToken cancellationToken)
    {
        var rows = await database.QueryTextAsync("SELECT key || char(9) || due_at FROM schedule_marks", _ => { }, cancellationToken);
        var marks = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var tab = row.LastIndexOf('\t');
            if (tab > 0 && DateTimeOffset.TryParse(row[(tab + 1)..], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var due))
                marks[row[..tab]] = due;
        }
        return marks;
    }

    public Task SaveAsync(string key, DateTimeOffset due, CancellationToken cancellationToken) =>
        database.WriteAsync("""
            INSERT INTO schedule_marks (key, due_at) VALUES ($key, $due)
            ON CONFLICT (key) DO UPDATE SET due_at = excluded.due_at
            """,
            command =>
            {
                command.Parameters.AddWithValue("$key", key);
                command.Parameters.AddWithValue("$due", due.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            }, cancellationToken);
}

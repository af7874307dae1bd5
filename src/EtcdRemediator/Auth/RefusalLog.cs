using System.Globalization;
using System.Net;

namespace EtcdRemediator.Auth;

/// <summary>
/// Refusals of callers without a valid token (401, 429, connections past the per-address cap) come in whatever
/// number the caller likes: one line each filled the disk at 11 MB/s (#38). So at most <see cref="PerAddress"/>
/// lines per address and <see cref="PerMinute"/> in all are written each minute; at the minute's end one line
/// says how many were not, and from where. Memory is bounded too: past <see cref="MaxAddresses"/> addresses in a
/// minute, the others are counted together.
/// </summary>
internal sealed class RefusalLog : IDisposable
{
    public const int PerAddress = 3;
    public const int PerMinute = 60;
    public const int MaxAddresses = 10_000;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly ILogger<RefusalLog> _logger;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private Dictionary<string, (int Refused, int Logged)> _minute = [];
    private int _logged;
    private int _untracked;

    public RefusalLog(TimeProvider time, ILogger<RefusalLog> logger)
    {
        _logger = logger;
        _timer = time.CreateTimer(_ => Summarize(), null, Window, Window);
    }

    /// <summary>Logs the refusal as a warning, or only counts it when this minute's lines are spent.</summary>
    public void Refused(IPAddress? client, string what, string detail)
    {
        var key = ClientAddress.KeyOf(client);
        lock (_gate)
        {
            if (!_minute.TryGetValue(key, out var seen) && _minute.Count >= MaxAddresses)
            {
                _untracked++;
                return;
            }
            var log = seen.Logged < PerAddress && _logged < PerMinute;
            _minute[key] = (seen.Refused + 1, seen.Logged + (log ? 1 : 0));
            if (!log) return;
            _logged++;
        }
        _logger.LogWarning("Refused {What} from {Client}: {Detail}", what, client, detail);
    }

    /// <summary>One line for the minute that ended: the refusals not logged, the addresses, the loudest five.</summary>
    private void Summarize()
    {
        Dictionary<string, (int Refused, int Logged)> minute;
        int untracked;
        lock (_gate)
        {
            (minute, untracked) = (_minute, _untracked);
            (_minute, _untracked, _logged) = ([], 0, 0);
        }
        var unlogged = minute.Values.Sum(v => v.Refused - v.Logged) + untracked;
        if (unlogged == 0) return;
        var loudest = string.Join(", ", minute.Where(m => m.Value.Refused > m.Value.Logged).OrderByDescending(m => m.Value.Refused).Take(5)
            .Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Key} {m.Value.Refused}")));
        _logger.LogWarning("Refused {Unlogged} more requests or connections in the last minute without a line each, " +
            "from {Addresses} addresses (most: {Loudest}); {PerAddress} lines per address and {PerMinute} in all are written a minute",
            unlogged, minute.Count(m => m.Value.Refused > m.Value.Logged) + (untracked > 0 ? $" and more past {MaxAddresses}" : ""),
            loudest, PerAddress, PerMinute);
    }

    public void Dispose() => _timer.Dispose();
}

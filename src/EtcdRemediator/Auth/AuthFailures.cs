using System.Net;
using EtcdRemediator.Configuration;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Auth;

/// <summary>
/// Wrong tokens per client address (<see cref="ClientAddress"/>: an IPv6 /64 is one): after <c>Auth:MaxFailuresPerMinute</c>
/// within a minute of the first, every further wrong token from that address is answered 429 (and logged at debug level
/// only) until that minute is over; a right token still passes (see the handler). Requests without a token do not count
/// (the status page asks before its operator has typed one).
/// <para>
/// Bounded in memory and in time per request (#38: past 10,000 addresses each failure once scanned the whole table, and
/// 16,000 addresses were never refused): the table is two generations of a minute each, the older dropped whole;
/// addresses past <see cref="MaxAddresses"/> in a generation share one window, so that guessing from many addresses
/// is refused together.
/// </para>
/// </summary>
internal sealed class AuthFailures(TimeProvider time, IOptions<RemediatorOptions> options)
{
    public const int MaxAddresses = 10_000;
    private const string Others = "(addresses past the table's size)";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly Lock _gate = new();
    private Dictionary<string, (DateTimeOffset Start, int Count)> _current = [];
    private Dictionary<string, (DateTimeOffset Start, int Count)> _previous = [];
    private DateTimeOffset _generationStart = DateTimeOffset.MinValue; // the first call starts a generation

    private int Limit => options.Value.Auth.MaxFailuresPerMinute;

    /// <summary>How long until the address may try again, or null when it may now.</summary>
    public TimeSpan? LockedFor(IPAddress? address)
    {
        if (address is null || Limit == 0) return null;
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Rotate(now);
            if (Find(KeyOf(ClientAddress.KeyOf(address))) is not { } w) return null;
            var left = w.Start + Window - now;
            return w.Count >= Limit && left > TimeSpan.Zero ? left : null;
        }
    }

    public void Failed(IPAddress? address)
    {
        if (address is null || Limit == 0) return; // the in-process test host has no address
        var now = time.GetUtcNow();
        lock (_gate)
        {
            Rotate(now);
            var key = KeyOf(ClientAddress.KeyOf(address));
            _current[key] = Find(key) is { } w && w.Start + Window > now ? (w.Start, w.Count + 1) : (now, 1);
        }
    }

    /// <summary>The address's own entry, or the shared one once this generation's table is full.</summary>
    private string KeyOf(string address) =>
        _current.ContainsKey(address) || _previous.ContainsKey(address) || _current.Count < MaxAddresses ? address : Others;

    /// <summary>A window lasts a minute from its first failure, so one begun in the previous generation may still hold.</summary>
    private (DateTimeOffset Start, int Count)? Find(string key) =>
        _current.TryGetValue(key, out var w) || _previous.TryGetValue(key, out w) ? w : null;

    private void Rotate(DateTimeOffset now)
    {
        if (now - _generationStart < Window) return;
        // Two minutes or more since the last failure: the current generation is as stale as the previous.
        _previous = now - _generationStart < 2 * Window ? _current : [];
        _current = [];
        _generationStart = now;
    }
}

using System.Collections.Concurrent;
using System.Net;
using EtcdRemediator.Configuration;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Auth;

/// <summary>
/// Wrong tokens per client address: after <c>Auth:MaxFailuresPerMinute</c> within a minute of the first,
/// every further wrong token from that address is answered 429 (and logged at debug level only)
/// until that minute is over; a right token still passes (see the handler). Requests
/// without a token do not count (the status page asks before its operator has typed one). Bounded:
/// past <see cref="MaxAddresses"/> addresses the expired windows are forgotten.
/// </summary>
internal sealed class AuthFailures(TimeProvider time, IOptions<RemediatorOptions> options)
{
    public const int MaxAddresses = 10_000;
    private int Limit => options.Value.Auth.MaxFailuresPerMinute;
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<IPAddress, (DateTimeOffset Start, int Count)> _windows = new();

    /// <summary>How long until the address may try again, or null when it may now.</summary>
    public TimeSpan? LockedFor(IPAddress? address)
    {
        if (address is null || Limit == 0 || !_windows.TryGetValue(address, out var w)) return null;
        var left = w.Start + Window - time.GetUtcNow();
        return w.Count >= Limit && left > TimeSpan.Zero ? left : null;
    }

    public void Failed(IPAddress? address)
    {
        if (address is null || Limit == 0) return; // the in-process test host has no address
        var now = time.GetUtcNow();
        if (_windows.Count >= MaxAddresses)
            foreach (var stale in _windows.Where(x => x.Value.Start + Window <= now).Select(x => x.Key).ToList())
                _windows.TryRemove(stale, out _);
        _windows.AddOrUpdate(address, (now, 1), (_, w) => w.Start + Window <= now ? (now, 1) : (w.Start, w.Count + 1));
    }
}

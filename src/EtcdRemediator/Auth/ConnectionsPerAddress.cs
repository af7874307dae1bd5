using System.Net;
using EtcdRemediator.Configuration;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Auth;

/// <summary>
/// Open connections per client address (<c>Auth:MaxConnectionsPerAddress</c>, an IPv6 /64 counting as one):
/// Kestrel's own cap is for all clients together, so 515 idle connections from one client once shut out
/// Alertmanager and the kubelet's probes for as long as Kestrel kept them (#38). A connection past the cap
/// is closed as soon as it is accepted, before it can hold anything; the refusal is logged through
/// <see cref="RefusalLog"/>.
/// </summary>
internal sealed class ConnectionsPerAddress(IOptions<RemediatorOptions> options, RefusalLog refusals)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _open = [];

    private int Limit => options.Value.Auth.MaxConnectionsPerAddress;

    /// <summary>Kestrel's connection middleware (<c>ListenOptions.Use</c>) for every endpoint.</summary>
    public ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        var address = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        if (address is null || Limit == 0)
        {
            await next(connection);
            return;
        }
        var key = ClientAddress.KeyOf(address);
        if (!TryOpen(key))
        {
            refusals.Refused(address, "a connection", $"this address holds {Limit} connections already (Remediator:Auth:MaxConnectionsPerAddress)");
            return; // Kestrel closes it
        }
        try
        {
            await next(connection);
        }
        finally
        {
            Close(key);
        }
    };

    private bool TryOpen(string key)
    {
        lock (_gate)
        {
            var open = _open.GetValueOrDefault(key);
            if (open >= Limit) return false;
            _open[key] = open + 1;
            return true;
        }
    }

    private void Close(string key)
    {
        lock (_gate)
        {
            if (_open[key] <= 1) _open.Remove(key); // the table holds only addresses with a connection open
            else _open[key]--;
        }
    }

    /// <summary>
    /// No keep-alive for a request without valid credentials (a probe, a refusal): Kestrel would keep its
    /// connection for 130 s, within the address's cap but away from everyone else's. HTTP/1.1 only:
    /// HTTP/2 has no Connection header.
    /// </summary>
    public static Task CloseUnlessAuthenticated(HttpContext context, RequestDelegate next)
    {
        if (context.User.Identity?.IsAuthenticated != true && HttpProtocol.IsHttp11(context.Request.Protocol))
            context.Response.Headers.Connection = "close";
        return next(context);
    }
}

using System.Net;
using System.Net.Sockets;

namespace EtcdRemediator.Auth;

/// <summary>
/// The key a client is counted by (connections, wrong tokens, refusals logged): its IPv4 address, or its
/// IPv6 /64, because one host is routinely given a whole /64 and could otherwise pose as 2^64 clients.
/// </summary>
internal static class ClientAddress
{
    /// <summary>The in-process test host has no address: its requests share the key "(none)".</summary>
    public static string KeyOf(IPAddress? address)
    {
        if (address is null) return "(none)";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address)) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }
}

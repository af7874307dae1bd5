namespace EtcdRemediator.Etcd.Channels;

/// <summary>
/// How often a connection with calls under way is pinged, per server. Both servers are gRPC-Go,
/// which answers pings that come too often with GOAWAY `too_many_pings` (after two strikes) and cuts
/// every call on that connection: etcd allows one every 5 s (--grpc-keepalive-min-time), Talos'
/// apid sets no policy, so gRPC-Go's default applies: one per 5 minutes. A defragment of a large
/// database through apid waits minutes for its answer.
/// </summary>
internal static class EtcdKeepAlive
{
    public static readonly TimeSpan Etcd = TimeSpan.FromSeconds(20);

    /// <summary>Over gRPC-Go's default minimum of 5 minutes, with room for timer drift.</summary>
    public static readonly TimeSpan Apid = TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(30);
}

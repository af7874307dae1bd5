using System.Net.Sockets;
using Grpc.Core;

namespace EtcdRemediator.Etcd;

/// <summary>No configured endpoint of a cluster answered a call that any member could serve.</summary>
public sealed class EtcdClusterUnavailableException(string cluster, IReadOnlyList<string> failures)
    : Exception($"No endpoint of cluster '{cluster}' answered: {string.Join("; ", failures)}");

public static class EtcdErrors
{
    /// <summary>Short, human words for an RPC failure, for status rows and run records.</summary>
    public static string Describe(Exception e) => e switch
    {
        RpcException { StatusCode: StatusCode.DeadlineExceeded } => "timed out (deadline exceeded)",
        // TLS 1.3 servers check the client certificate after the handshake and then just close.
        RpcException r when r.Status.Detail.Contains("did not complete the HTTP/2 handshake", StringComparison.Ordinal) =>
            "the server closed the TLS connection: is the client certificate missing, expired, or not issued by the cluster's CA? (Tls:CertFile/KeyFile, or the talosconfig's crt/key)",
        RpcException r when r.Status.Detail.Contains("rejected by the provided RemoteCertificateValidationCallback", StringComparison.Ordinal) =>
            "the server's certificate is not trusted: it does not chain to Tls:CaFile, or does not name this host",
        RpcException { StatusCode: StatusCode.Unavailable } r when Root(r) is SocketException s => $"unavailable: {s.Message.ToLowerInvariant()}",
        RpcException r when !string.IsNullOrEmpty(r.Status.Detail) => $"{r.StatusCode}: {r.Status.Detail}",
        RpcException r => r.StatusCode.ToString(),
        OperationCanceledException => "cancelled",
        _ => e.Message,
    };

    /// <summary>Failures worth another try on an idempotent read: the member may answer a moment later.</summary>
    public static bool IsTransient(Exception e) => e is RpcException
    {
        StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted,
    };

    private static Exception Root(RpcException e)
    {
        Exception current = e;
        while (current.InnerException is { } inner) current = inner;
        return current;
    }
}

using System.Net.Sockets;
using EtcdRemediator.Etcd.Credentials;
using Grpc.Core;

namespace EtcdRemediator.Etcd;

/// <summary>No configured endpoint of a cluster answered a call that any member could serve.</summary>
internal sealed class EtcdClusterUnavailableException(string cluster, IReadOnlyList<string> failures)
    : Exception($"No endpoint of cluster '{cluster}' answered: {string.Join("; ", failures)}");

/// <summary>A backend refused an operation because it could not be done safely; the message says why.</summary>
internal sealed class UnsafeOperationException(string message) : Exception(message);

/// <summary>
/// What went wrong with a call, in words every backend maps its own errors onto: the remediation
/// decides on these, never on a transport's status codes.
/// </summary>
internal enum EtcdFailure
{
    Other,
    /// <summary>No answer: not reachable, refused, or its node's apid said so.</summary>
    Unavailable,
    /// <summary>No answer within the deadline: the member may still be working (a defragment).</summary>
    TimedOut,
    /// <summary>The revision asked for is compacted already.</summary>
    Compacted,
    /// <summary>etcd auth or Talos' role refused the call.</summary>
    Unauthorized,
    /// <summary>Our own credentials are unusable (a key, a certificate, a talosconfig).</summary>
    Credentials,
}

internal static class EtcdErrors
{
    /// <summary>The failure, in the backend-neutral words the remediation decides on.</summary>
    public static EtcdFailure Classify(Exception e) => e switch
    {
        CredentialException => EtcdFailure.Credentials,
        TimeoutException or RpcException { StatusCode: StatusCode.DeadlineExceeded } => EtcdFailure.TimedOut,
        // etcd answers a compaction at or below the compacted revision with OutOfRange ("mvcc: required revision has been compacted").
        RpcException { StatusCode: StatusCode.OutOfRange } => EtcdFailure.Compacted,
        RpcException { StatusCode: StatusCode.Unauthenticated or StatusCode.PermissionDenied } => EtcdFailure.Unauthorized,
        EtcdClusterUnavailableException or RpcException { StatusCode: StatusCode.Unavailable } => EtcdFailure.Unavailable,
        _ => EtcdFailure.Other,
    };

    /// <summary>
    /// Short, human words for an RPC failure, for status rows and run records: what the member did
    /// ("did not answer in time", "refused the connection"), not what .NET's HTTP stack said.
    /// </summary>
    public static string Describe(Exception e) => Describe(e, null);

    /// <param name="timeout">The deadline the call had, when the caller knows it: "did not answer within 10 s".</param>
    public static string Describe(Exception e, TimeSpan? timeout) => e switch
    {
        RpcException { StatusCode: StatusCode.DeadlineExceeded } when timeout is { } t => $"did not answer within {t.TotalSeconds:0.#} s",
        RpcException { StatusCode: StatusCode.DeadlineExceeded } => "did not answer in time (timed out)",
        RpcException r when r.Status.Detail.Contains("didn't respond to a ping", StringComparison.Ordinal) =>
            "stopped answering (no reply on its connection; the process may be frozen or the network cut)",
        RpcException { StatusCode: StatusCode.Unavailable } r when Root(r) is SocketException { SocketErrorCode: SocketError.ConnectionRefused } =>
            "refused the connection (not running, or not listening at this address)",
        // TLS 1.3 servers check the client certificate after the handshake and then just close.
        RpcException r when r.Status.Detail.Contains("did not complete the HTTP/2 handshake", StringComparison.Ordinal) =>
            "the server closed the TLS connection: is the client certificate missing, expired, or not issued by the cluster's CA? " +
            "(Tls:CertFile/KeyFile, or the talosconfig's crt/key)",
        RpcException r when r.Status.Detail.Contains("rejected by the provided RemoteCertificateValidationCallback", StringComparison.Ordinal) =>
            "the server's certificate is not trusted: it does not chain to Tls:CaFile, does not name this host, or is not a server " +
            "certificate (serverAuth)",
        RpcException { StatusCode: StatusCode.Unavailable } r when Root(r) is SocketException s => $"unavailable: {s.Message.ToLowerInvariant()}",
        RpcException r when r.Status.Detail.StartsWith("Error starting gRPC call. ", StringComparison.Ordinal) =>
            $"could not be reached: {Plain(r.Status.Detail["Error starting gRPC call. ".Length..])}",
        RpcException r when !string.IsNullOrEmpty(r.Status.Detail) => $"{r.StatusCode}: {r.Status.Detail}",
        TimeoutException t => t.Message,
        RpcException r => r.StatusCode.ToString(),
        OperationCanceledException => "cancelled",
        _ => e.Message,
    };

    /// <summary>Failures worth another try on an idempotent read: the member may answer a moment later.</summary>
    public static bool IsTransient(Exception e) => e is RpcException
    {
        StatusCode: StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.ResourceExhausted or StatusCode.Aborted,
    };

    /// <summary>
    /// The call never reached the server: no connection could be made (refused, no route, name or TLS
    /// failure). Only then may a state-changing call be sent again elsewhere; any other failure may
    /// have come after the server acted (apid answers Unavailable for its target node's own failure).
    /// </summary>
    public static bool NeverReached(RpcException e) =>
        e.StatusCode == StatusCode.Unavailable
        // Not "a socket error somewhere inside": a connection reset after the request was sent is one too.
        && e.Status.DebugException is HttpRequestException
        {
            HttpRequestError: HttpRequestError.ConnectionError
            or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError
        };

    /// <summary>"HttpRequestException: An error occurred (127.0.0.1:2379)" -> "an error occurred (127.0.0.1:2379)".</summary>
    private static string Plain(string detail)
    {
        var text = detail.Contains("Exception: ", StringComparison.Ordinal)
            ? detail[(detail.LastIndexOf("Exception: ", StringComparison.Ordinal) + "Exception: ".Length)..]
            : detail;
        return text.Length > 0 ? char.ToLowerInvariant(text[0]) + text[1..].TrimEnd('.') : text;
    }

    private static Exception Root(RpcException e)
    {
        Exception current = e;
        while (current.InnerException is { } inner) current = inner;
        return current;
    }
}

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

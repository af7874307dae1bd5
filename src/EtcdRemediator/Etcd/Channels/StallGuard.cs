using Grpc.Core;

namespace EtcdRemediator.Etcd.Channels;

/// <summary>
/// Reads a server stream bounded by progress, not by a total deadline: a large snapshot may take
/// minutes, a stuck one must not take forever. The stream fails once no message has come for the
/// stall timeout; the caller says what that means (its <c>stalled</c> callback).
/// </summary>
internal static class StallGuard
{
    public static async Task ReadAllAsync<T>(Func<CancellationToken, AsyncServerStreamingCall<T>> start, Func<T, CancellationToken, ValueTask> each,
        TimeSpan stallTimeout, TimeProvider time, Func<Exception, TimeoutException> stalled, CancellationToken cancellationToken)
    {
        using var stall = new CancellationTokenSource(stallTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stall.Token);
        try
        {
            using var call = start(linked.Token);
            while (await call.ResponseStream.MoveNext(linked.Token))
            {
                stall.CancelAfter(stallTimeout);
                await each(call.ResponseStream.Current, linked.Token);
            }
        }
        catch (Exception e) when (stall.IsCancellationRequested && !cancellationToken.IsCancellationRequested
                                  && e is OperationCanceledException or RpcException)
        {
            throw stalled(e);
        }
    }
}

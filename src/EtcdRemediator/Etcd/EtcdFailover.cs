using Grpc.Core;

namespace EtcdRemediator.Etcd;

/// <summary>For calls any member can answer: try each target in turn while the failures are transient.</summary>
internal static class EtcdFailover
{
    /// <summary>For reads: ask the next target too when one has not answered within this long.</summary>
    public static readonly TimeSpan ReadHedge = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The first answer among <paramref name="targets"/> (endpoints or Talos nodes); when none answers,
    /// an <see cref="EtcdClusterUnavailableException"/> listing each failure as <paramref name="describe"/> words it.
    /// With <paramref name="hedgeAfter"/> (reads only: a hedged call may run on two targets), a target
    /// that hangs (a frozen member) costs that long instead of its whole deadline. <paramref name="tryNext"/>
    /// says which failures move on to the next target (default: the transient ones); the hedge waits on
    /// <paramref name="time"/>, the caller's clock.
    /// </summary>
    public static async Task<T> FirstAnswerAsync<T>(string cluster, IEnumerable<string> targets, Func<string, Task<T>> call,
        Func<string, RpcException, string> describe, CancellationToken cancellationToken, TimeSpan? hedgeAfter = null,
        Func<RpcException, bool>? tryNext = null, TimeProvider? time = null)
    {
        var failures = new List<string>();
        var pending = new Dictionary<Task<T>, string>();
        using var remaining = targets.GetEnumerator();
        bool StartNext()
        {
            if (!remaining.MoveNext()) return false;
            pending[call(remaining.Current)] = remaining.Current;
            return true;
        }

        StartNext();
        while (pending.Count > 0)
        {
            var finished = hedgeAfter is { } hedge
                ? await Task.WhenAny(Task.WhenAny(pending.Keys), Task.Delay(hedge, time ?? TimeProvider.System, cancellationToken))
                : await Task.WhenAny(pending.Keys);
            if (finished is not Task<T> done)
            {
                if (finished is Task<Task<T>> any) done = await any;
                else
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    StartNext(); // the hedge: this one is slow, ask the next as well
                    continue;
                }
            }
            var target = pending[done];
            pending.Remove(done);
            try
            {
                return await done;
            }
            catch (RpcException e) when ((tryNext ?? EtcdErrors.IsTransient)(e) && !cancellationToken.IsCancellationRequested)
            {
                failures.Add(describe(target, e));
                if (pending.Count == 0) StartNext();
            }
        }
        throw new EtcdClusterUnavailableException(cluster, failures);
    }
}

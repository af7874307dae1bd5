using Grpc.Core;

namespace EtcdRemediator.Etcd;

/// <summary>For calls any member can answer: try each target in turn while the failures are transient.</summary>
public static class EtcdFailover
{
    /// <summary>
    /// The first answer among <paramref name="targets"/> (endpoints or Talos nodes); when none answers,
    /// an <see cref="EtcdClusterUnavailableException"/> listing each failure as <paramref name="describe"/> words it.
    /// </summary>
    public static async Task<T> FirstAnswerAsync<T>(string cluster, IEnumerable<string> targets, Func<string, Task<T>> call,
        Func<string, RpcException, string> describe, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var target in targets)
        {
            try
            {
                return await call(target);
            }
            catch (RpcException e) when (EtcdErrors.IsTransient(e) && !cancellationToken.IsCancellationRequested)
            {
                failures.Add(describe(target, e));
            }
        }
        throw new EtcdClusterUnavailableException(cluster, failures);
    }
}

using EtcdRemediator.Clusters;
using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Remediation.Coordination;

/// <summary>Whether a cluster refuses writes now: what makes a recover too urgent to wait for a window.</summary>
internal interface INoSpaceProbe
{
    Task<bool> RaisedAsync(string cluster, CancellationToken cancellationToken);
}

/// <summary>
/// Reads the cluster's alarm list once. An answer it cannot get counts as raised: the probe only
/// decides whether a recover waits, and the run's own inspection and gates still decide whether it
/// may touch anything, so an emergency is never held back by a failed read.
/// </summary>
internal sealed class NoSpaceProbe(EtcdClusterRegistry clusters, IOptions<RemediatorOptions> options, ILogger<NoSpaceProbe> logger) : INoSpaceProbe
{
    public async Task<bool> RaisedAsync(string cluster, CancellationToken cancellationToken)
    {
        if (clusters.Find(cluster) is not { } target) return true;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Value.Policy.RequestTimeout);
        try
        {
            return (await target.ListAlarmsAsync(deadline.Token)).Any(a => a.Kind == AlarmKind.NoSpace);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Could not read the alarms of {Cluster} ({Error}); a recover is treated as urgent", cluster, e.Message);
            return true;
        }
    }
}

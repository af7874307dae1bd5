using EtcdRemediator.Clusters;
using EtcdRemediator.Configuration;
using EtcdRemediator.DefragRules;
using EtcdRemediator.Etcd;
using EtcdRemediator.Remediation;
using EtcdRemediator.Remediation.Coordination;
using EtcdRemediator.Remediation.Execution;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Watch;

/// <summary>
/// Every <c>Watch:Interval</c>, reads each cluster (one attempt per call, as the status page does) and
/// keeps the reading for /metrics: the shipped rules then work where etcd's own metrics are not
/// scraped (Talos serves them on the node's loopback). With <c>Watch:Remediate</c>, a finding starts a
/// run as an alert would (kind "watch": cooldown, breaker and windows apply); off by default.
/// </summary>
internal sealed class FragmentationWatch(
    EtcdClusterRegistry clusters,
    ClusterInspector inspector,
    QuotaReader quotas,
    DefragRuleBook rules,
    WatchReadings readings,
    RemediationCoordinator coordinator,
    IOptions<RemediatorOptions> options,
    TimeProvider time,
    IEnumerable<IWatchObserver> observers,
    ILogger<FragmentationWatch> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.Watch.Interval is not { } interval) return;
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            do await Task.WhenAll(clusters.All.Select(c => WatchAsync(c, stoppingToken)));
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task WatchAsync(IEtcdCluster cluster, CancellationToken stoppingToken)
    {
        try
        {
            var state = await inspector.InspectAsync(cluster, stoppingToken, retry: false);
            var reading = new WatchReading(state, await quotas.QuotaOfAsync(cluster, state, QuotaReader.PageMaxAge, stoppingToken));
            readings.Record(reading);
            await NotifyAsync(reading, stoppingToken);
            if (!options.Value.Watch.Remediate || WatchRule.Decide(state, rules.For(cluster.Name), reading.Quota) is not { } finding)
                return;
            var result = await coordinator.SubmitAsync(
                new RunRequest(cluster.Name, finding.Action, DryRun: false, Force: false, new RunTrigger(TriggerKind.Watch, finding.Why),
                    NoSpace: state.HasAlarm(AlarmKind.NoSpace)), stoppingToken);
            // Every interval finds the same member until it is fixed: only a new or deferred run is news.
            var level = result.Disposition is Disposition.Started or Disposition.Deferred ? LogLevel.Information : LogLevel.Debug;
            logger.Log(level, "Watch of {Cluster}: {Why}: {Disposition} {RunId}{Reason}", cluster.Name, finding.Why, result.Disposition,
                result.Run?.Id, result.Reason is null ? "" : $" ({result.Reason})");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Watch of {Cluster} failed this time: {Error}", cluster.Name, e.Message);
        }
    }

    /// <summary>An observer that fails (the store cannot write) costs its own work, never the watch's decision.</summary>
    private async Task NotifyAsync(WatchReading reading, CancellationToken stoppingToken)
    {
        foreach (var observer in observers)
        {
            try
            {
                await observer.ObserveAsync(reading, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("Watch of {Cluster}: {Observer} could not take the reading: {Error}", reading.State.Cluster,
                    observer.GetType().Name, e.Message);
            }
        }
    }
}

using System.Threading.Channels;
using EtcdRemediator.Clusters;
using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd;
using EtcdRemediator.Remediation.Coordination;
using EtcdRemediator.Snapshots;
using EtcdRemediator.Storage;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Remediation.Execution;

/// <summary>
/// Recovers from the run store (opened by Storage's StoreOpener, which starts first) before the server
/// takes requests (StartAsync runs before Kestrel listens), then executes queued runs, clusters in
/// parallel up to the configured limit.
/// </summary>
internal sealed class RemediationWorker(
    RemediationCoordinator coordinator,
    RunExecutor executor,
    SnapshotStore snapshots,
    EtcdClusterRegistry clusters,
    ClusterInspector inspector,
    TimeProvider time,
    IOptions<RemediatorOptions> options,
    ILogger<RemediationWorker> logger) : BackgroundService
{
    private readonly List<Task> _running = [];

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        snapshots.RemovePartials();
        await coordinator.RecoverAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = WarmUpAsync(stoppingToken);
        var policy = options.Value.Policy;
        await Task.WhenAll(
            LaneAsync(policy.MaxConcurrentClusters, coordinator.Queue.DequeueAsync, stoppingToken),
            LaneAsync(policy.MaxConcurrentClusters, coordinator.NextDryRunAsync, stoppingToken));
    }

    /// <summary>
    /// Takes the next run only once a slot is free, so that the queue (not arrival order) decides
    /// which waiting run gets it.
    /// </summary>
    private async Task LaneAsync(int width, Func<CancellationToken, Task<string>> next, CancellationToken stoppingToken)
    {
        using var slots = new SemaphoreSlim(width);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await slots.WaitAsync(stoppingToken);
                var id = await next(stoppingToken);
                lock (_running)
                {
                    _running.RemoveAll(t => t.IsCompleted);
                    _running.Add(Task.Run(async () =>
                    {
                        try { await RunAsync(id, stoppingToken); }
                        finally { slots.Release(); }
                    }, CancellationToken.None));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (ChannelClosedException)
        {
        }
        Task[] pending;
        lock (_running) pending = [.. _running];
        await Task.WhenAll(pending); // every run of either lane ends before the slots go, and before the service stops
    }

    /// <summary>
    /// One read-only look at each cluster right after start-up: the first alert then finds its channels
    /// connected and the code paths compiled (a cold first inspect took 0.7-0.9 s; a warm one, ms).
    /// </summary>
    private async Task WarmUpAsync(CancellationToken stoppingToken)
    {
        try
        {
            await Task.WhenAll(clusters.All.Select(c => inspector.InspectAsync(c, stoppingToken)));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogDebug(e, "Warm-up inspection failed; the first run will connect itself");
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RunAsync(string id, CancellationToken stoppingToken)
    {
        RunHandle? run = null;
        try
        {
            run = await coordinator.BeginAsync(id, stoppingToken);
            if (run is null) return;
            // Reads "run r-... (cluster)" in text; RunId and Cluster are fields in JSON and OTLP.
            using var scope = logger.BeginScope("run {RunId} ({Cluster})", run.Id, run.Current.Cluster);
            await executor.ExecuteAsync(run, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (StoreUnavailableException e) when (run is null)
        {
            // Not started: the coordinator has ended it as Failed (its start could not be recorded), and /readyz says why.
            logger.LogError("Run {RunId} not started: {Error}", id, e.Message);
        }
        catch (Exception e) when (run is not null)
        {
            // A bug or a store failure, not an etcd failure: record it, and free the cluster for the next run.
            var storeFault = e as StoreUnavailableException ?? e.InnerException as StoreUnavailableException;
            if (storeFault is not null)
                logger.LogError("Run {RunId} stopped: the run store could not record it: {Error}", run.Id, storeFault.Message);
            else
                logger.LogError(e, "Run {RunId} failed unexpectedly", run.Id);
            var reason = storeFault is not null
                ? $"stopped: the run store could not record this run ({storeFault.Message})"
                : $"internal error: {e.Message}";
            try
            {
                await run.SaveAsync(new RunFinished(RunStatus.Failed, reason, time.GetUtcNow()));
            }
            catch (StoreUnavailableException) { } // the store keeps it readable in memory
        }
        finally
        {
            if (run is not null) await coordinator.CompleteAsync(run, CancellationToken.None);
        }
    }
}

using EtcdRemediator.Etcd;
using EtcdRemediator.Snapshots;
using EtcdRemediator.Snapshots.Offsite;

namespace EtcdRemediator.Remediation.Execution;

/// <summary>
/// A run's off-site copy (docs/architecture.md, "Off-site copy"). A <c>snapshot</c> run copies inside its snapshot
/// step, whose failure fails the run: such a run exists for its copy. A <c>defrag</c> or <c>recover</c> starts the copy
/// beside the remediation once the local snapshot is verified (that local file stays the gate) and records its outcome
/// as an <c>offsite</c> step when the run ends, whatever the remediation did: the upload never holds a member back.
/// </summary>
internal sealed class OffsiteStep(OffsiteUploader uploader, IEtcdCluster cluster, StepRecorder steps, ILogger logger)
{
    private Task<OffsiteCopy>? _beside;

    public bool Enabled => uploader.Enabled;

    /// <summary>Within a step: what the step's detail gains; a failure throws, naming the bucket and endpoint.</summary>
    public async Task<string> CopyAsync(SnapshotRecord snapshot, CancellationToken ct) =>
        Describe(await uploader.UploadAsync(cluster.Name, cluster.ClusterId, snapshot, steps.Run.Id, ct));

    public void StartBeside(SnapshotRecord snapshot, CancellationToken ct)
    {
        if (!uploader.Enabled || _beside is not null) return;
        _beside = Task.Run(() => uploader.UploadAsync(cluster.Name, cluster.ClusterId, snapshot, steps.Run.Id, ct), ct);
    }

    /// <summary>Waits for the copy started beside the run and records it; its failure is the step's, never the run's.</summary>
    public async Task RecordAsync(CancellationToken ct)
    {
        if (_beside is not { } copy || ct.IsCancellationRequested) return;
        try
        {
            await steps.RunAsync("offsite", null, async step =>
            {
                var made = await copy;
                step.BytesAfter = made.Bytes;
                step.Detail = Describe(made);
            }, ct);
        }
        catch (RunFailedException e)
        {
            logger.LogWarning("Run {RunId} for {Cluster}: {Problem}", steps.Run.Id, cluster.Name, e.Message);
        }
    }

    private static string Describe(OffsiteCopy copy) =>
        $"off-site copy {copy.Key} ({copy.Bytes} bytes)" + (copy.Removed > 0 ? $"; {copy.Removed} older copies removed" : "");
}

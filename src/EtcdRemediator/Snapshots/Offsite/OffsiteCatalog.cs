using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Amazon.S3.Model;
using EtcdRemediator.Configuration;
using EtcdRemediator.Observability;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Snapshots.Offsite;

/// <summary>A cluster's newest copy in the bucket: the object, its size there (encrypted), when it was completed.</summary>
internal sealed record OffsiteNewest(string Object, long Bytes, DateTimeOffset At);

/// <summary>The bucket's last listing: when, and why it failed (null: the bucket answered).</summary>
internal sealed record BucketLook(DateTimeOffset At, string? Error);

/// <summary>
/// Each cluster's newest off-site copy, for /readyz, <c>GET /api/v1/clusters</c>, the status page and the last-success
/// metric. Copies this process makes are remembered as they complete; the bucket is listed at most every
/// <see cref="Fresh"/>, each listing bounded by <see cref="Budget"/>, so that neither probes nor a page left open cost
/// more than that, and a restart still knows the newest copy (the metric's alert would otherwise lose its series).
/// </summary>
internal sealed class OffsiteCatalog : IDisposable
{
    public static readonly TimeSpan Fresh = TimeSpan.FromMinutes(3);
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    /// <summary>20,000 keys: <c>Keep</c> copies and their sidecars for hundreds of clusters.</summary>
    private const int MaxPages = 20;

    private readonly IOptions<RemediatorOptions> _options;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, OffsiteNewest> _newest = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _one = new(1, 1);
    private BucketLook? _last;

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000",
        Justification = "A meter from IMeterFactory belongs to the factory, which disposes it with the host.")]
    public OffsiteCatalog(IOptions<RemediatorOptions> options, TimeProvider time, IMeterFactory meters)
    {
        _options = options;
        _time = time;
        meters.Create(RemediatorTelemetry.Name).CreateObservableGauge("etcd_remediator_offsite_snapshot_last_success_timestamp_seconds",
            () => _newest.Select(c => new Measurement<double>(c.Value.At.ToUnixTimeMilliseconds() / 1000.0,
                new KeyValuePair<string, object?>("cluster", c.Key))),
            description: "When the cluster's newest off-site snapshot copy was completed (Unix seconds)");
    }

    private OffsiteOptions Settings => _options.Value.Snapshots.Offsite;

    /// <summary>A copy in the bucket, just made here or seen in a listing: the newer of it and the one known is kept.</summary>
    public void Record(string cluster, OffsiteNewest copy) =>
        _newest.AddOrUpdate(cluster, copy, (_, known) => copy.At > known.At ? copy : known);

    /// <summary>The newest copy known (made here, or seen in the last listing); null when none is.</summary>
    public OffsiteNewest? NewestOf(string cluster) => _newest.GetValueOrDefault(cluster);

    /// <summary>The bucket's last listing, listed again when older than <see cref="Fresh"/>; null while copies are off.
    /// Concurrent callers share one listing.</summary>
    public async Task<BucketLook?> LookAsync(CancellationToken cancellationToken)
    {
        var o = Settings;
        if (!o.Enabled) return null;
        await _one.WaitAsync(cancellationToken);
        try
        {
            if (_last is { } last && _time.GetUtcNow() - last.At < Fresh) return last;
            return _last = await ListAsync(o, cancellationToken);
        }
        finally
        {
            _one.Release();
        }
    }

    public void Dispose() => _one.Dispose();

    private async Task<BucketLook> ListAsync(OffsiteOptions o, CancellationToken cancellationToken)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        budget.CancelAfter(Budget);
        try
        {
            using var s3 = OffsiteClient.Create(o);
            var prefix = o.Prefix.Trim('/') + "/";
            var objects = new Dictionary<string, S3Object>(StringComparer.Ordinal);
            var request = new ListObjectsV2Request { BucketName = o.Bucket, Prefix = prefix };
            for (var page = 0; page < MaxPages; page++)
            {
                var answer = await s3.ListObjectsV2Async(request, budget.Token);
                foreach (var item in answer.S3Objects ?? []) objects[item.Key] = item;
                if (answer.IsTruncated != true) break;
                request.ContinuationToken = answer.NextContinuationToken;
            }
            var clusters = _options.Value.Clusters.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var (cluster, newest) in NewestPerCluster(objects, prefix, clusters)) Record(cluster, newest);
            return new BucketLook(_time.GetUtcNow(), null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new BucketLook(_time.GetUtcNow(), $"{OffsiteClient.Describe(o)} did not answer within {Budget.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new BucketLook(_time.GetUtcNow(), $"{OffsiteClient.Describe(o)}: {OffsiteUploader.Describe(e)}");
        }
    }

    /// <summary>
    /// Per configured cluster, the newest <c>&lt;prefix&gt;&lt;cluster&gt;/&lt;file&gt;</c> with a sidecar beside it (what
    /// retention counts too). The sidecar's time is the copy's: it is written once the object is complete, where a
    /// multipart object's own time can be when its upload began.
    /// </summary>
    internal static IEnumerable<(string Cluster, OffsiteNewest Newest)> NewestPerCluster(IReadOnlyDictionary<string, S3Object> objects,
        string prefix, IReadOnlySet<string> clusters) =>
        objects.Values
            .Where(o => !o.Key.EndsWith(".json", StringComparison.Ordinal))
            .Select(o => (Copy: o, Sidecar: objects.GetValueOrDefault(o.Key + ".json"), Path: o.Key[prefix.Length..].Split('/')))
            .Where(x => x.Sidecar?.LastModified is not null && x.Path.Length == 2 && clusters.Contains(x.Path[0]))
            .GroupBy(x => x.Path[0])
            .Select(g => g.MaxBy(x => x.Sidecar!.LastModified!.Value))
            .Select(x => (x.Path[0], new OffsiteNewest(x.Copy.Key, x.Copy.Size ?? 0,
                new DateTimeOffset(x.Sidecar!.LastModified!.Value))));
}

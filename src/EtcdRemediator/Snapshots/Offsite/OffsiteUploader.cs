using System.Security.Cryptography;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using EtcdRemediator.Configuration;
using EtcdRemediator.Etcd;
using Microsoft.Extensions.Options;

namespace EtcdRemediator.Snapshots.Offsite;

/// <summary>
/// Copies a verified local snapshot to the bucket: read once, encrypted to the age recipients while it is read, sent as a
/// multipart upload (memory: one part and one chunk, whatever the size), then the plaintext sidecar, then retention.
/// </summary>
internal sealed class OffsiteUploader(IOptions<RemediatorOptions> options, TimeProvider time, OffsiteCatalog catalog,
    ILogger<OffsiteUploader> logger)
{
    private OffsiteOptions Settings => options.Value.Snapshots.Offsite;

    public bool Enabled => Settings.Enabled;

    /// <summary>The copy, or a <see cref="SnapshotException"/> that names the bucket and endpoint and says what failed.</summary>
    public async Task<OffsiteCopy> UploadAsync(string cluster, ulong? clusterId, SnapshotRecord snapshot, string runId,
        CancellationToken cancellationToken)
    {
        var o = Settings;
        try
        {
            using var s3 = OffsiteClient.Create(o);
            var recipients = OffsiteCheck.Recipients(o);
            var folder = $"{o.Prefix.Trim('/')}/{cluster}/";
            var key = folder + Path.GetFileName(snapshot.Path) + (recipients.Count > 0 ? ".age" : "");
            var (size, sha256, encryptedSize, encryptedSha256) = await SendAsync(s3, o.Bucket!, key, snapshot, recipients, cancellationToken);
            var at = time.GetUtcNow();
            var sidecar = new OffsiteSidecar(OffsiteSidecar.Mark, cluster, clusterId is { } id ? MemberId.ToHex(id) : null, snapshot.Member,
                snapshot.Revision, key, recipients.Count > 0 ? "age" : "none", size, sha256, encryptedSize, encryptedSha256,
                [.. recipients.Select(r => r.Text)], runId, at);
            await s3.PutObjectAsync(new PutObjectRequest
            {
                BucketName = o.Bucket, Key = key + ".json", ContentType = "application/json", UseChunkEncoding = false,
                ContentBody = JsonSerializer.Serialize(sidecar, OffsiteJson.Default.OffsiteSidecar),
            }, cancellationToken);
            catalog.Record(cluster, new OffsiteNewest(key, encryptedSize, at));
            var removed = await PruneAsync(s3, o, folder, cluster, key, cancellationToken);
            return new OffsiteCopy(key, encryptedSize, at, removed);
        }
        catch (Exception e) when (e is not SnapshotException && (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            throw new SnapshotException($"the off-site copy to {OffsiteClient.Describe(o)} failed: {Describe(e)}", e);
        }
    }

    private static async Task<(long, string, long, string)> SendAsync(AmazonS3Client s3, string bucket, string key, SnapshotRecord snapshot,
        IReadOnlyList<AgeRecipient> recipients, CancellationToken ct)
    {
        await using var upload = await MultipartUploadStream.StartAsync(s3, bucket, key, "application/octet-stream", ct);
        using var plain = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long read = 0;
        await using (var age = recipients.Count > 0 ? new AgeEncryptingStream(upload, recipients) : null)
        {
            Stream sink = (Stream?)age ?? upload;
            await using var file = new FileStream(snapshot.Path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16,
                FileOptions.Asynchronous | FileOptions.SequentialScan);
            var buffer = new byte[1 << 20];
            int n;
            while ((n = await file.ReadAsync(buffer, ct)) > 0)
            {
                plain.AppendData(buffer.AsSpan(0, n));
                read += n;
                await sink.WriteAsync(buffer.AsMemory(0, n), ct);
            }
            // The run verified this file; one that has since changed size is not that snapshot (the upload is then aborted).
            if (read != snapshot.Bytes)
                throw new SnapshotException($"{snapshot.Path} is {read} bytes, not the {snapshot.Bytes} verified: not copied");
            if (age is not null) await age.CompleteAsync(ct);
        }
        var (encryptedSize, encryptedSha256) = await upload.CompleteAsync(ct);
        return (read, Convert.ToHexStringLower(plain.GetHashAndReset()), encryptedSize, encryptedSha256);
    }

    /// <summary>
    /// The newest <c>Keep</c> copies of the cluster stay; older ones go with their sidecars. Only objects whose sidecar the
    /// service wrote for this cluster count, never the copy just made. A failure here is logged: the copy itself is made.
    /// </summary>
    private async Task<int> PruneAsync(AmazonS3Client s3, OffsiteOptions o, string folder, string cluster, string justMade, CancellationToken ct)
    {
        try
        {
            var ours = new List<OffsiteSidecar>();
            var request = new ListObjectsV2Request { BucketName = o.Bucket, Prefix = folder };
            ListObjectsV2Response page;
            do
            {
                page = await s3.ListObjectsV2Async(request, ct);
                foreach (var item in page.S3Objects ?? [])
                    if (item.Key.EndsWith(".json", StringComparison.Ordinal) && await ReadSidecarAsync(s3, o.Bucket!, item.Key, ct) is { } s
                        && s.WrittenBy == OffsiteSidecar.Mark && s.Cluster == cluster && s.Object + ".json" == item.Key)
                        ours.Add(s);
                request.ContinuationToken = page.NextContinuationToken;
            } while (page.IsTruncated == true);
            var old = ours.Where(s => s.Object != justMade).OrderByDescending(s => s.Time).Skip(Math.Max(o.Keep - 1, 0)).ToList();
            foreach (var copy in old)
            {
                logger.LogInformation("Off-site retention: removing {Key} from bucket {Bucket}", copy.Object, o.Bucket);
                await s3.DeleteObjectAsync(o.Bucket, copy.Object, ct);
                await s3.DeleteObjectAsync(o.Bucket, copy.Object + ".json", ct);
            }
            return old.Count;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning("Off-site retention in {Target} failed (the copy itself was made): {Error}", OffsiteClient.Describe(o), Describe(e));
            return 0;
        }
    }

    private static async Task<OffsiteSidecar?> ReadSidecarAsync(AmazonS3Client s3, string bucket, string key, CancellationToken ct)
    {
        using var response = await s3.GetObjectAsync(bucket, key, ct);
        try
        {
            return await JsonSerializer.DeserializeAsync(response.ResponseStream, OffsiteJson.Default.OffsiteSidecar, ct);
        }
        catch (JsonException)
        {
            return null; // not ours
        }
    }

    /// <summary>The exception and its causes, once each: the SDK wraps "connection refused" in layers that say less. A server's
    /// refusal leads with its HTTP status and S3 error code ("403 SignatureDoesNotMatch"): some servers send no message.</summary>
    internal static string Describe(Exception e)
    {
        var messages = new List<string>();
        for (var x = e; x is not null; x = x.InnerException)
        {
            if (x is AmazonServiceException { ErrorCode: { Length: > 0 } code } refused && (int)refused.StatusCode > 0
                && !messages.Any(m => m.Contains(code, StringComparison.Ordinal)))
                messages.Add($"{(int)refused.StatusCode} {code}");
            if (x.Message.Length > 0 && !x.Message.StartsWith("Exception of type '", StringComparison.Ordinal) // .NET's, for no message
                && !messages.Any(m => m.Contains(x.Message, StringComparison.Ordinal))) messages.Add(x.Message);
        }
        return string.Join(": ", messages);
    }
}

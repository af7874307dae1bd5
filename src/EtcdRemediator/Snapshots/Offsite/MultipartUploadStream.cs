using System.Security.Cryptography;
using Amazon.S3;
using Amazon.S3.Model;

namespace EtcdRemediator.Snapshots.Offsite;

/// <summary>
/// A multipart upload as a write-only stream: fills one part buffer, sends it when full, so memory stays at one part
/// whatever the object's size. Hashes and counts what it sends (the sidecar's encrypted size and sha256).
/// <see cref="CompleteAsync"/> sends the last part and completes the upload; disposing without it aborts the upload,
/// so that a failed run leaves no object and no parts the bucket bills for.
/// </summary>
internal sealed class MultipartUploadStream(IAmazonS3 s3, string bucket, string key, string uploadId, int partSize) : ForwardOnlyWriteStream
{
    /// <summary>S3's smallest part but the last is 5 MiB; 8 MiB keeps a 1 GB snapshot at 128 parts, far from the 10,000 limit.</summary>
    public const int DefaultPartSize = 8 << 20;

    private readonly byte[] _part = new byte[partSize];
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly List<PartETag> _sent = [];
    private int _filled;
    private bool _completed;

    public long BytesWritten { get; private set; }

    public static async Task<MultipartUploadStream> StartAsync(IAmazonS3 s3, string bucket, string key, string contentType,
        CancellationToken cancellationToken, int partSize = DefaultPartSize)
    {
        var started = await s3.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = bucket, Key = key, ContentType = contentType }, cancellationToken);
        return new MultipartUploadStream(s3, bucket, key, started.UploadId, partSize);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _hash.AppendData(buffer.Span);
        BytesWritten += buffer.Length;
        while (buffer.Length > 0)
        {
            var take = Math.Min(buffer.Length, _part.Length - _filled);
            buffer[..take].CopyTo(_part.AsMemory(_filled));
            _filled += take;
            buffer = buffer[take..];
            if (_filled == _part.Length) await SendPartAsync(cancellationToken);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    private async Task SendPartAsync(CancellationToken cancellationToken)
    {
        using var body = new MemoryStream(_part, 0, _filled, writable: false);
        var response = await s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket,
            Key = key,
            UploadId = uploadId,
            PartNumber = _sent.Count + 1,
            InputStream = body,
            PartSize = _filled,
            // aws-chunked bodies (streaming signatures, trailing checksums) are what S3-compatible servers refuse most:
            // a plain body whose sha256 the signature covers works everywhere.
            UseChunkEncoding = false,
        }, cancellationToken);
        _sent.Add(new PartETag(_sent.Count + 1, response.ETag));
        _filled = 0;
    }

    /// <summary>The last part, then the object: its size and its sha256 as sha256sum prints it.</summary>
    public async Task<(long Bytes, string Sha256)> CompleteAsync(CancellationToken cancellationToken)
    {
        if (_filled > 0 || _sent.Count == 0) await SendPartAsync(cancellationToken);
        await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
        {
            BucketName = bucket, Key = key, UploadId = uploadId, PartETags = _sent,
        }, cancellationToken);
        _completed = true;
        return (BytesWritten, Convert.ToHexStringLower(_hash.GetHashAndReset()));
    }

    public override async ValueTask DisposeAsync()
    {
        if (!_completed)
        {
            // Best effort, and bounded: the run's own failure is what gets reported.
            using var abort = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId },
                    abort.Token);
            }
            catch (Exception e) when (e is AmazonS3Exception or HttpRequestException or OperationCanceledException or IOException) { }
            _completed = true;
        }
        _hash.Dispose();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("write asynchronously: every part goes to the network");

    protected override bool Completed => _completed;
}

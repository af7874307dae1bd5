using System.Security.Cryptography;

namespace EtcdRemediator.Snapshots;

/// <summary>
/// Writes through to a file while hashing everything but the last 32 bytes, which etcd appends as
/// the sha256 of the rest. Verifies in the same pass as the write: a 1 GB snapshot is read once.
/// The same hash, carried on over those 32 bytes, is the whole file's: what <c>sha256sum</c> prints
/// and what an engineer checks a restore against.
/// A stream longer than <paramref name="maxBytes"/> (the member's reported size and headroom) is
/// abandoned: a member that never stops sending must not fill the disk.
/// </summary>
internal sealed class TrailerVerifyingStream(Stream inner, long maxBytes = long.MaxValue) : Stream
{
    public const int TrailerLength = 32;

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly byte[] _tail = new byte[TrailerLength];
    private int _tailLength;

    public long BytesWritten { get; private set; }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Track(buffer.Span);
        await inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Write(byte[] buffer, int offset, int count)
    {
        Track(buffer.AsSpan(offset, count));
        inner.Write(buffer, offset, count);
    }

    /// <summary>Everything except the newest 32 bytes goes into the hash; those 32 wait in the tail.</summary>
    private void Track(ReadOnlySpan<byte> data)
    {
        if (BytesWritten + data.Length > maxBytes)
            throw new SnapshotException(
                $"the snapshot stream passed {maxBytes} bytes, more than the member's reported size and headroom allow; abandoned");
        BytesWritten += data.Length;
        if (data.Length >= TrailerLength)
        {
            _hash.AppendData(_tail.AsSpan(0, _tailLength));
            _hash.AppendData(data[..^TrailerLength]);
            data[^TrailerLength..].CopyTo(_tail);
            _tailLength = TrailerLength;
            return;
        }
        var overflow = _tailLength + data.Length - TrailerLength;
        if (overflow > 0)
        {
            _hash.AppendData(_tail.AsSpan(0, overflow));
            _tail.AsSpan(overflow, _tailLength - overflow).CopyTo(_tail);
            _tailLength -= overflow;
        }
        data.CopyTo(_tail.AsSpan(_tailLength));
        _tailLength += data.Length;
    }

    /// <summary>
    /// True when the stream ended with the sha256 of everything before it (etcd's own check).
    /// <paramref name="fileSha256Hex"/> is the sha256 of every byte written, trailer included, as <c>sha256sum</c> prints it.
    /// </summary>
    public bool Verify(out string fileSha256Hex)
    {
        // GetCurrentHash keeps the state: the trailer's 32 bytes then extend it to the whole file's hash, no second pass.
        var computed = _hash.GetCurrentHash();
        _hash.AppendData(_tail.AsSpan(0, _tailLength));
        fileSha256Hex = Convert.ToHexStringLower(_hash.GetHashAndReset());
        return _tailLength == TrailerLength && CryptographicOperations.FixedTimeEquals(computed, _tail);
    }

    /// <summary>
    /// A snapshot file on disk read again whole, through the same check: the whole file's hash when its trailer verifies, else null.
    /// </summary>
    public static async Task<string?> HashAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);
        await using var verifying = new TrailerVerifyingStream(Null);
        await file.CopyToAsync(verifying, 1 << 20, cancellationToken);
        return verifying.Verify(out var sha256) ? sha256 : null;
    }

    public override void Flush() => inner.Flush();
    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => BytesWritten;
    public override long Position { get => BytesWritten; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }
}

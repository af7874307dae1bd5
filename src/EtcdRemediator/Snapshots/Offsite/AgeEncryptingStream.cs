using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace EtcdRemediator.Snapshots.Offsite;

/// <summary>
/// Encrypts what is written to it into an age v1 file on the stream it wraps: header, 16-byte payload nonce, then
/// ChaCha20-Poly1305 STREAM chunks of 64 KiB. Holds one chunk, whatever the file's size. <see cref="CompleteAsync"/>
/// writes the final chunk; a stream disposed without it ends without one, which age refuses to decrypt (a cut-off
/// upload can never pass for a whole snapshot).
/// </summary>
internal sealed class AgeEncryptingStream : ForwardOnlyWriteStream
{
    public const int ChunkSize = 64 * 1024;
    private const int TagSize = 16;
    private static readonly byte[] PayloadInfo = Encoding.ASCII.GetBytes("payload");

    private readonly Stream _inner;
    private readonly ChaCha20Poly1305 _aead;
    private readonly byte[] _plain = new byte[ChunkSize];
    private readonly byte[] _sealed = new byte[ChunkSize + TagSize];
    private readonly byte[] _nonce = new byte[12];
    private byte[]? _prologue;
    private int _filled;
    private ulong _chunks;
    private bool _completed;

    public AgeEncryptingStream(Stream inner, IReadOnlyList<AgeRecipient> recipients)
    {
        _inner = inner;
        var (header, fileKey) = AgeHeader.Create(recipients);
        var payloadNonce = RandomNumberGenerator.GetBytes(16);
        var payloadKey = HKDF.DeriveKey(HashAlgorithmName.SHA256, fileKey, 32, payloadNonce, PayloadInfo);
        CryptographicOperations.ZeroMemory(fileKey);
        _aead = new ChaCha20Poly1305(payloadKey);
        CryptographicOperations.ZeroMemory(payloadKey);
        _prologue = [.. header, .. payloadNonce];
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        while (buffer.Length > 0)
        {
            // A full chunk is sealed only once more data comes: the last chunk must carry the final flag, and may be full.
            if (_filled == ChunkSize) await _inner.WriteAsync(Seal(final: false), cancellationToken);
            var take = Math.Min(buffer.Length, ChunkSize - _filled);
            buffer.Span[..take].CopyTo(_plain.AsSpan(_filled));
            _filled += take;
            buffer = buffer[take..];
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) =>
        throw new NotSupportedException("write asynchronously: the encrypted stream goes to the network");

    /// <summary>Seals the final chunk (empty only when the whole input was) and flushes the inner stream.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        await _inner.WriteAsync(Seal(final: true), cancellationToken);
        _completed = true;
        await _inner.FlushAsync(cancellationToken);
    }

    /// <summary>The buffered chunk, encrypted under nonce = 11-byte big-endian counter || final flag; the header first, once.</summary>
    private ReadOnlyMemory<byte> Seal(bool final)
    {
        _nonce.AsSpan().Clear();
        BinaryPrimitives.WriteUInt64BigEndian(_nonce.AsSpan(3, 8), _chunks++);
        _nonce[11] = final ? (byte)1 : (byte)0;
        _aead.Encrypt(_nonce, _plain.AsSpan(0, _filled), _sealed.AsSpan(0, _filled), _sealed.AsSpan(_filled, TagSize));
        var length = _filled + TagSize;
        _filled = 0;
        if (_prologue is not { } prologue) return _sealed.AsMemory(0, length);
        _prologue = null;
        return (byte[])[.. prologue, .. _sealed.AsSpan(0, length)];
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _aead.Dispose();
            CryptographicOperations.ZeroMemory(_plain);
        }
        base.Dispose(disposing);
    }

    protected override bool Completed => _completed;
}

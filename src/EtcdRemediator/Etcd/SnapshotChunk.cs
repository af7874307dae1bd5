using System.Buffers;
using System.Text;
using EtcdRemediator.Etcd.Wire;
using Google.Protobuf;
using Grpc.Core;

namespace EtcdRemediator.Etcd;

/// <summary>
/// One message of Maintenance.Snapshot, read without per-message allocations: the payload is copied
/// once into a pooled buffer and the blob (field 3) is a slice of it. A snapshot streams gigabytes in
/// 32 KiB messages; the generated types would allocate two 32 KiB arrays per message, and the GC's
/// budget for that churn is what the resident set grew by. A mistake here cannot go unnoticed: the
/// snapshot's sha256 trailer is verified over exactly these bytes.
/// </summary>
internal sealed class SnapshotChunk : IDisposable
{
    private byte[]? _buffer;

    private SnapshotChunk(byte[] buffer, int offset, int length)
    {
        _buffer = buffer;
        BlobOffset = offset;
        BlobLength = length;
    }

    public int BlobOffset { get; }
    public int BlobLength { get; }
    public ReadOnlyMemory<byte> Blob => _buffer.AsMemory(BlobOffset, BlobLength);
    public ResponseHeader? Header { get; private set; }
    public string? Version { get; private set; }

    /// <summary>The streaming call with our own marshaller; the request is etcd's empty SnapshotRequest.</summary>
    public static readonly Method<SnapshotRequest, SnapshotChunk> Method = new(
        MethodType.ServerStreaming, "etcdserverpb.Maintenance", "Snapshot",
        Marshallers.Create(request => request.ToByteArray(), bytes => SnapshotRequest.Parser.ParseFrom(bytes)),
        new Marshaller<SnapshotChunk>((_, _) => throw new NotSupportedException("snapshot chunks are only read"), Parse));

    private static SnapshotChunk Parse(DeserializationContext context)
    {
        var payload = context.PayloadAsReadOnlySequence();
        var buffer = ArrayPool<byte>.Shared.Rent((int)payload.Length);
        payload.CopyTo(buffer);
        try
        {
            return Parse(buffer, buffer.AsSpan(0, (int)payload.Length));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static SnapshotChunk Parse(byte[] buffer, ReadOnlySpan<byte> span)
    {
        var position = 0;
        ResponseHeader? header = null;
        string? version = null;
        (int Offset, int Length) blob = (0, 0);
        while (position < span.Length)
        {
            var tag = ReadVarint(span, ref position);
            var (field, wireType) = ((int)(tag >> 3), (int)(tag & 7));
            switch (wireType)
            {
                case 0:
                    ReadVarint(span, ref position);
                    break;
                case 1:
                    position += 8;
                    break;
                case 5:
                    position += 4;
                    break;
                case 2:
                    var length = checked((int)ReadVarint(span, ref position));
                    if (position + length > span.Length) throw new InvalidDataException("snapshot message ends inside a field");
                    if (field == 3) blob = (position, length);
                    else if (field == 1) header = ResponseHeader.Parser.ParseFrom(span.Slice(position, length));
                    else if (field == 4) version = Encoding.UTF8.GetString(span.Slice(position, length));
                    position += length;
                    break;
                default:
                    throw new InvalidDataException($"snapshot message has wire type {wireType}");
            }
        }
        return new SnapshotChunk(buffer, blob.Offset, blob.Length) { Header = header, Version = version };
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> span, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (position >= span.Length) throw new InvalidDataException("snapshot message ends inside a varint");
            var b = span[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new InvalidDataException("snapshot message has an overlong varint");
    }

    public void Dispose()
    {
        if (_buffer is { } buffer) ArrayPool<byte>.Shared.Return(buffer);
        _buffer = null;
    }
}

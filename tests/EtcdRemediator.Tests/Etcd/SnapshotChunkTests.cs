using System.Buffers;
using EtcdRemediator.Etcd.Wire;
using Google.Protobuf;
using Grpc.Core;

namespace EtcdRemediator.Tests.Etcd;

/// <summary>Our allocation-free reader of Maintenance.Snapshot messages against what protobuf itself writes.</summary>
public sealed class SnapshotChunkTests
{
    private sealed class Payload(byte[] bytes) : DeserializationContext
    {
        public override int PayloadLength => bytes.Length;
        public override byte[] PayloadAsNewBuffer() => [.. bytes];
        public override ReadOnlySequence<byte> PayloadAsReadOnlySequence() => new(bytes);
    }

    private static SnapshotChunk Read(byte[] bytes) => SnapshotChunk.Method.ResponseMarshaller.ContextualDeserializer(new Payload(bytes));

    [Fact]
    public void HeaderBlobAndVersionAreReadAsProtobufWroteThem()
    {
        var blob = Enumerable.Range(0, 40_000).Select(i => (byte)(i * 7)).ToArray();
        var message = new SnapshotResponse
        {
            Header = new ResponseHeader { ClusterId = 9, MemberId = 0xabcdef, Revision = 123456, RaftTerm = 4 },
            RemainingBytes = 1UL << 40,
            Blob = ByteString.CopyFrom(blob),
            Version = "3.6.0",
        };

        using var chunk = Read(message.ToByteArray());

        Assert.Equal(blob, chunk.Blob.ToArray());
        Assert.Equal(0xabcdefUL, chunk.Header!.MemberId);
        Assert.Equal(123456, chunk.Header.Revision);
        Assert.Equal("3.6.0", chunk.Version);
    }

    [Fact]
    public void FieldsItDoesNotKnowAreSkippedAndAnEmptyMessageHasNoBlob()
    {
        // etcd 3.4 sends no header or version; a newer etcd might add fields (here 9 and 10).
        var bytes = new SnapshotResponse { Blob = ByteString.CopyFromUtf8("abc") }.ToByteArray()
            .Concat(new byte[] { 9 << 3 | 0, 0x96, 0x01, 10 << 3 | 2, 2, 0xFF, 0xFF }).ToArray();

        using var chunk = Read(bytes);
        using var empty = Read([]);

        Assert.Equal("abc"u8.ToArray(), chunk.Blob.ToArray());
        Assert.Null(chunk.Header);
        Assert.Equal(0, empty.BlobLength);
    }

    [Fact]
    public void AMessageCutInsideAFieldIsAnError()
    {
        var bytes = new SnapshotResponse { Blob = ByteString.CopyFromUtf8("abcdef") }.ToByteArray();

        Assert.Throws<InvalidDataException>(() => Read(bytes[..^2]));
    }
}

using System.Buffers;
using System.Threading.Channels;

namespace EtcdRemediator.Snapshots;

/// <summary>
/// Lets the network and the disk work at the same time: each write is copied into a pooled buffer and
/// queued (at most <c>maxQueued</c> buffers, so memory stays bounded), and one background task hands
/// them, in order, to the inner stream (the sha256 check and the file) with plain synchronous writes.
/// Without it, every chunk of a snapshot waited for the previous one to be hashed and written.
/// </summary>
internal sealed class WriteBehindStream : Stream
{
    private readonly Stream _inner;
    private readonly Channel<(byte[] Buffer, int Length)> _queue;
    private readonly Task _writer;

    public WriteBehindStream(Stream inner, int maxQueued = 64)
    {
        _inner = inner;
        _queue = Channel.CreateBounded<(byte[], int)>(new BoundedChannelOptions(maxQueued) { SingleReader = true, SingleWriter = true });
        _writer = Task.Run(WriteLoopAsync);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_writer.IsFaulted) await _writer; // the disk failed: surface it now, not at the end
        var copy = ArrayPool<byte>.Shared.Rent(buffer.Length);
        buffer.CopyTo(copy);
        try
        {
            await _queue.Writer.WriteAsync((copy, buffer.Length), cancellationToken);
        }
        catch (ChannelClosedException)
        {
            // The writer closed the queue because the inner stream failed: it faults a moment later, and
            // its reason (a verification, a full disk), not "the channel has been closed", is the answer.
            ArrayPool<byte>.Shared.Return(copy);
            await _writer;
            throw;
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(copy);
            if (_writer.IsFaulted) await _writer;
            throw;
        }
    }

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>Waits until everything queued has reached the inner stream; no writes after this.</summary>
    public async Task CompleteAsync()
    {
        _queue.Writer.TryComplete();
        await _writer;
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var (buffer, length) in _queue.Reader.ReadAllAsync())
            {
                try { _inner.Write(buffer, 0, length); }
                finally { ArrayPool<byte>.Shared.Return(buffer); }
            }
        }
        catch
        {
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var left)) ArrayPool<byte>.Shared.Return(left.Buffer);
            throw;
        }
    }

    public override void Flush() { }
    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031",
        Justification = "Dispose must not throw: the writer's failure was already reported to the caller's write or flush.")]
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _queue.Writer.TryComplete();
            try { _writer.GetAwaiter().GetResult(); }
            catch (Exception) { } // already reported to the writer, or the snapshot is being abandoned
        }
        base.Dispose(disposing);
    }
}

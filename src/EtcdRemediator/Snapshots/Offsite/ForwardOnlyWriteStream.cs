namespace EtcdRemediator.Snapshots.Offsite;

/// <summary>
/// A stream that is only written, front to back, and ends with an explicit completion (the age payload's last chunk,
/// the multipart upload's commit): no reading, seeking or length, and flushing means nothing until then.
/// </summary>
internal abstract class ForwardOnlyWriteStream : Stream
{
    /// <summary>True once the stream was completed: nothing more may be written.</summary>
    protected abstract bool Completed { get; }

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => !Completed;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}

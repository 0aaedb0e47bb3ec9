namespace Paas.Router.Forwarding;

/// <summary>A stream that passes every call to <see cref="Inner"/>; subclasses watch reads or writes on the way.</summary>
internal abstract class DelegatingStream : Stream
{
    /// <summary>The stream wrapped (set before use; the wrappers are pooled with their <see cref="ForwardExchange"/>).</summary>
    public Stream? Inner { get; set; }

    public override bool CanRead => Inner!.CanRead;

    public override bool CanSeek => false;

    public override bool CanWrite => Inner!.CanWrite;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush() => Inner!.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => Inner!.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => Inner!.Read(buffer, offset, count);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Inner!.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Inner!.ReadAsync(buffer, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => Inner!.Write(buffer, offset, count);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Inner!.WriteAsync(buffer, offset, count, cancellationToken);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        Inner!.WriteAsync(buffer, cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

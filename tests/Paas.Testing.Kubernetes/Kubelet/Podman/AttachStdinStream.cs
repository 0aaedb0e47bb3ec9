namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>
/// An attachment's standard input: writes go to the container's stdin (kept open by the kubelet); disposing it closes the
/// container's stdin only when the pod says <c>stdinOnce</c>.
/// </summary>
internal sealed class AttachStdinStream(ContainerRun run, bool stdinOnce) : Stream
{
    private int _disposed;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        new(run.WriteStdinAsync(buffer, cancellationToken));

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        run.WriteStdinAsync(buffer.AsMemory(offset, count), cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0 && stdinOnce)
        {
            run.CloseStdin();
        }

        base.Dispose(disposing);
    }
}

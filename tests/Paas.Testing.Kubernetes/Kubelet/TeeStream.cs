using System.Text;

namespace Paas.Testing.Kubernetes.Kubelet;

/// <summary>Writes to an attachment's output and to the container's log (what an attached process prints lands in both).</summary>
internal sealed class TeeStream(Stream inner, ScriptedPod pod) : Stream
{
    private readonly StringBuilder _partial = new();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count)
    {
        Log(buffer.AsSpan(offset, count));
        inner.Write(buffer, offset, count);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        Log(buffer.Span);
        await inner.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Log(ReadOnlySpan<byte> bytes)
    {
        _partial.Append(Encoding.UTF8.GetString(bytes));
        var text = _partial.ToString();
        var newline = text.LastIndexOf('\n');
        if (newline < 0)
        {
            return;
        }

        foreach (var line in text[..newline].Split('\n'))
        {
            pod.CurrentLog.Append(line);
        }

        _partial.Clear().Append(text[(newline + 1)..]);
    }
}

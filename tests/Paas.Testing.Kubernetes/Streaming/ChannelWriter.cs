using System.Text;

namespace Paas.Testing.Kubernetes.Streaming;

/// <summary>A TextWriter that sends what is written as frames on one channel (flushed at every newline).</summary>
/// <param name="socket">The channel socket.</param>
/// <param name="channel">The channel.</param>
/// <param name="ct">Cancels sends.</param>
public sealed class ChannelWriter(ChannelSocket socket, byte channel, CancellationToken ct) : TextWriter
{
    private readonly StringBuilder _buffer = new();

    public override Encoding Encoding => Encoding.UTF8;

    public override void Write(char value)
    {
        _buffer.Append(value);
        if (value == '\n')
        {
            Flush();
        }
    }

    public override void Flush() => FlushAsync().GetAwaiter().GetResult();

    public override Task FlushAsync() => FlushAsync(ct);

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        if (_buffer.Length == 0)
        {
            return;
        }

        var text = _buffer.ToString();
        _buffer.Clear();
        await socket.SendAsync(channel, text, cancellationToken).ConfigureAwait(false);
    }
}

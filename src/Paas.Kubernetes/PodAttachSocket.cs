using System.Globalization;
using System.Net.WebSockets;
using System.Text;

namespace Paas.Kubernetes;

/// <summary>
/// One <c>pods/NAME/attach</c> WebSocket speaking <c>v4.channel.k8s.io</c> (recordings v1.28/10a-10k; the kubelet's
/// remotecommand server): every message is binary and its first byte is the channel: 0 standard input (to the pod),
/// 1 standard output, 2 standard error, 3 the final <c>metav1.Status</c> as JSON, 4 a terminal size (to the pod, TTY
/// only, JSON <c>{"Width":W,"Height":H}</c>, the field names of Go's <c>remotecommand.TerminalSize</c>). Right after the
/// upgrade the server sends one empty message on the lowest channel it writes (1, 2, or 3 for an input-only attach).
/// <para>
/// Sends are serialized (input and resizes come from two pumps). One receive loop runs from the start: it hands output
/// to the caller and ends when the server closes or the connection drops. <see cref="CloseAsync"/> is RFC 6455 section
/// 7.1.1's closing handshake: the close frame, then the wait for the server's close before the TCP connection goes. A
/// client that dropped the connection right after its close frame lost its last input frames one run in three on the
/// fake API server (Kestrel ends the request when the client's side closes, and the server had not read them yet); a
/// real server's reader is no safer against a reset.
/// </para>
/// </summary>
internal sealed class PodAttachSocket : IDisposable
{
    /// <summary>Standard input, client to server.</summary>
    public const byte StdinChannel = 0;

    /// <summary>Standard output (with a TTY: everything the terminal shows).</summary>
    public const byte StdoutChannel = 1;

    /// <summary>Standard error (never with a TTY).</summary>
    public const byte StderrChannel = 2;

    /// <summary>The final status, server to client.</summary>
    public const byte StatusChannel = 3;

    /// <summary>Terminal sizes, client to server.</summary>
    public const byte ResizeChannel = 4;

    private readonly WebSocket _socket;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Func<byte, ReadOnlyMemory<byte>, CancellationToken, ValueTask>? _output;
    private readonly StringBuilder _status = new();

    /// <summary>Starts the receive loop on an open attach socket.</summary>
    /// <param name="socket">The socket (owned from now on).</param>
    /// <param name="output">
    /// Receives the payload of every channel 1 and 2 message (the channel and the bytes, valid until the task completes),
    /// in order; null to discard output (an input-only attach).
    /// </param>
    public PodAttachSocket(WebSocket socket, Func<byte, ReadOnlyMemory<byte>, CancellationToken, ValueTask>? output)
    {
        _socket = socket;
        _output = output;
        Ended = ReceiveAsync(_stop.Token);
    }

    /// <summary>Completes when the server has closed the socket or the connection has dropped; never faults.</summary>
    public Task Ended { get; }

    /// <summary>The JSON the server sent on channel 3 (its <c>metav1.Status</c>), or empty before the end.</summary>
    public string Status
    {
        get
        {
            lock (_status)
            {
                return _status.ToString();
            }
        }
    }

    /// <summary>Sends bytes to the process's standard input (one channel 0 message).</summary>
    /// <param name="bytes">The bytes.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes once the message is written to the connection.</returns>
    /// <exception cref="WebSocketException">The connection is gone.</exception>
    public Task SendInputAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken) => SendAsync(StdinChannel, bytes, cancellationToken);

    /// <summary>Sends the terminal's size (one channel 4 message); the runtime resizes the container's TTY.</summary>
    /// <param name="width">Columns.</param>
    /// <param name="height">Rows.</param>
    /// <param name="cancellationToken">Cancels the send.</param>
    /// <returns>A task that completes once the message is written to the connection.</returns>
    /// <exception cref="WebSocketException">The connection is gone.</exception>
    public Task ResizeAsync(int width, int height, CancellationToken cancellationToken) =>
        SendAsync(ResizeChannel, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{{\"Width\":{width},\"Height\":{height}}}")), cancellationToken);

    /// <summary>
    /// The closing handshake: sends the close frame (unless the server closed first) and waits up to
    /// <paramref name="wait"/> for the server's close, so everything sent before has been read by the server. Never throws.
    /// </summary>
    /// <param name="wait">How long to wait for the server.</param>
    /// <returns>A task that completes when the socket is closed or the wait is over.</returns>
    public async Task CloseAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        await _sending.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // the server or the connection is gone already
        }
        finally
        {
            _sending.Release();
        }

        await Task.WhenAny(Ended, Task.Delay(Timeout.Infinite, timeout.Token)).ConfigureAwait(false);
    }

    /// <summary>Stops the receive loop and drops the connection (after <see cref="CloseAsync"/>, only frees it).</summary>
    public void Dispose()
    {
        _stop.Cancel();
        _socket.Dispose();
        _stop.Dispose();
    }

    private async Task SendAsync(byte channel, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var message = new byte[bytes.Length + 1];
        message[0] = channel;
        bytes.CopyTo(message.AsMemory(1));
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sending.Release();
        }
    }

    private async Task ReceiveAsync(CancellationToken cancellationToken)
    {
        await Task.Yield();
        var buffer = new byte[32 * 1024];
        var atMessageStart = true;
        byte channel = 0;
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(buffer.AsMemory(), cancellationToken).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    break;
                }

                var payload = buffer.AsMemory(0, received.Count);
                if (atMessageStart && payload.Length > 0)
                {
                    channel = payload.Span[0];
                    payload = payload[1..];
                }

                atMessageStart = received.EndOfMessage;
                if (payload.Length == 0)
                {
                    continue;
                }

                if (channel is StdoutChannel or StderrChannel && _output is not null)
                {
                    await _output(channel, payload, cancellationToken).ConfigureAwait(false);
                }
                else if (channel == StatusChannel)
                {
                    lock (_status)
                    {
                        _status.Append(Encoding.UTF8.GetString(payload.Span));
                    }
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // the connection dropped or the run is over
        }
    }
}

using System.Net.WebSockets;
using System.Text;

namespace Paas.Testing.Kubernetes.Streaming;

/// <summary>The <c>v4.channel.k8s.io</c> framing: binary frames whose first byte is the channel (0 stdin, 1 stdout, 2 stderr, 3 error/status, 4 resize).</summary>
/// <param name="socket">The accepted WebSocket.</param>
public sealed class ChannelSocket(WebSocket socket)
{
    private static readonly System.Text.Json.JsonSerializerOptions SizeJson = new() { PropertyNameCaseInsensitive = true };
    private readonly SemaphoreSlim _send = new(1, 1);

    /// <summary>The socket.</summary>
    public WebSocket Socket => socket;

    /// <summary>Sends one frame on a channel.</summary>
    public async Task SendAsync(byte channel, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var frame = new byte[data.Length + 1];
        frame[0] = channel;
        data.CopyTo(frame.AsMemory(1));
        await _send.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(frame, WebSocketMessageType.Binary, true, ct).ConfigureAwait(false);
        }
        finally
        {
            _send.Release();
        }
    }

    /// <summary>Sends text on a channel.</summary>
    public Task SendAsync(byte channel, string text, CancellationToken ct) => SendAsync(channel, Encoding.UTF8.GetBytes(text), ct);

    /// <summary>Copies a stream to a channel until it ends.</summary>
    public async Task PumpAsync(Stream source, byte channel, CancellationToken ct)
    {
        var buffer = new byte[16 * 1024];
        while (true)
        {
            int n;
            try
            {
                n = await source.ReadAsync(buffer, ct).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            if (n == 0)
            {
                return;
            }

            await SendAsync(channel, buffer.AsMemory(0, n), ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Reads client frames; channel 0 payloads go to <paramref name="stdin"/>, channel 4 payloads (terminal sizes, JSON
    /// <c>{"Width":W,"Height":H}</c>, read as Go's case-insensitive decoder does) to <paramref name="resize"/>; returns when
    /// the client closes. A size that does not decode ends the handling of sizes, as the kubelet's resize loop does.
    /// </summary>
    public async Task ReceiveAsync(Stream? stdin, CancellationToken ct, Func<Kubelet.FakeTerminalSize, ValueTask>? resize = null)
    {
        var buffer = new byte[16 * 1024];
        using var message = new MemoryStream();
        try
        {
            while (socket.State == WebSocketState.Open)
            {
                var result = await socket.ReceiveAsync(buffer, ct).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                message.Write(buffer, 0, result.Count);
                if (!result.EndOfMessage)
                {
                    continue;
                }

                var payload = message.ToArray();
                message.SetLength(0);
                if (payload.Length > 0 && payload[0] == 0 && stdin is not null)
                {
                    await stdin.WriteAsync(payload.AsMemory(1), ct).ConfigureAwait(false);
                    await stdin.FlushAsync(ct).ConfigureAwait(false);
                }
                else if (payload.Length > 0 && payload[0] == 4 && resize is not null)
                {
                    if (TerminalSize(payload.AsSpan(1)) is { } size)
                    {
                        await resize(size).ConfigureAwait(false);
                    }
                    else
                    {
                        resize = null;
                    }
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
        }
    }

    private static Kubelet.FakeTerminalSize? TerminalSize(ReadOnlySpan<byte> json)
    {
        try
        {
            var size = System.Text.Json.JsonSerializer.Deserialize<WireSize>(json, SizeJson);
            return size is { Width: <= ushort.MaxValue and >= 0, Height: <= ushort.MaxValue and >= 0 } ? new Kubelet.FakeTerminalSize(size.Width, size.Height) : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private sealed record WireSize(int Width, int Height);

    /// <summary>Closes with 1000.</summary>
    public async Task CloseAsync(CancellationToken ct)
    {
        try
        {
            if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, string.Empty, ct).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
        }
    }
}

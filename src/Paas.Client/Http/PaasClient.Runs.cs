using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Paas.Client;

/// <summary>The attached form of <c>paas run</c>: a WebSocket that carries the caller's standard input (see <see cref="RunSocketProtocol"/>).</summary>
public sealed partial class PaasClient
{
    /// <summary>The GUID of RFC 6455 section 1.3 that the server's <c>Sec-WebSocket-Accept</c> is computed with.</summary>
    private const string WebSocketGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    /// <summary>
    /// <c>GET /v2/apps/{app}/run/attach</c>, upgraded to a WebSocket: runs a one-off process, forwards
    /// <paramref name="input"/> to its standard input (then closes it), hands its output to <paramref name="output"/> as it
    /// comes, and returns its final event. The upgrade goes through the same <see cref="HttpClient"/> as every other call,
    /// so it works wherever the API is reachable (also behind the platform's router, which forwards upgrades).
    /// </summary>
    /// <param name="app">The app's name.</param>
    /// <param name="request">The command and time limit (<see cref="RunCreateRequest.Detached"/> is ignored: always attached).</param>
    /// <param name="input">
    /// What to forward to the process's standard input, read until its end (then the process sees EOF); null for none.
    /// Reading is not awaited once the process has ended, so a terminal that is never typed on does not hold the call.
    /// </param>
    /// <param name="output">
    /// Receives each output chunk: the stream (<see cref="RunSocketProtocol.StandardOutput"/> or
    /// <see cref="RunSocketProtocol.StandardError"/>) and the bytes, valid until the returned task completes. Chunks are
    /// what the process wrote, not lines: a prompt without a newline comes at once; a UTF-8 character may be split.
    /// </param>
    /// <param name="cancellationToken">Drops the connection, which makes the platform kill the process (Ctrl+C).</param>
    /// <returns>The final event: the process name and exit code, whether the time limit ended it, or why it could not start.</returns>
    /// <exception cref="PaasApiException">The platform refused before the process started: unknown app (404), no access (403), no build (400), bad token (401).</exception>
    /// <exception cref="PaasConnectionException">The platform could not be reached, or the connection broke before the exit status came.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the process was ended).</exception>
    public Task<RunEvent> RunAttachedAsync(string app, RunCreateRequest request, Stream? input, Func<byte, ReadOnlyMemory<byte>, ValueTask> output, CancellationToken cancellationToken = default) =>
        RunAttachedAsync(app, request, input, output, new RunAttachOptions(), cancellationToken);

    /// <summary>
    /// <see cref="RunAttachedAsync(string, RunCreateRequest, Stream?, Func{byte, ReadOnlyMemory{byte}, ValueTask}, CancellationToken)"/>
    /// with what a TTY needs: the server's start message (whether the process got a terminal, see
    /// <see cref="RunCreateRequest.Tty"/>) before the input is read, and the terminal's new sizes while it runs.
    /// </summary>
    /// <param name="app">The app's name.</param>
    /// <param name="request">The command, time limit, and whether to ask for a TTY with which size.</param>
    /// <param name="input">What to forward to the process's standard input (keystrokes, with a TTY); null for none.</param>
    /// <param name="output">Receives each output chunk (with a TTY, all of it as <see cref="RunSocketProtocol.StandardOutput"/>).</param>
    /// <param name="options">The start callback and the resizes.</param>
    /// <param name="cancellationToken">Drops the connection, which makes the platform kill the process.</param>
    /// <returns>The final event.</returns>
    /// <exception cref="PaasApiException">The platform refused before the process started.</exception>
    /// <exception cref="PaasConnectionException">The platform could not be reached, or the connection broke before the exit status came.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled (the process was ended).</exception>
    public async Task<RunEvent> RunAttachedAsync(string app, RunCreateRequest request, Stream? input, Func<byte, ReadOnlyMemory<byte>, ValueTask> output, RunAttachOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(options);
        var path = AppPath(app, RunSocketProtocol.Path);
        using var socket = await ConnectWebSocketAsync(path, cancellationToken);
        using var sending = new SemaphoreSlim(1, 1);
        using var running = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(request with { Detached = false }, PaasJson.Options), WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            _ = SendInputAsync(socket, sending, input, started.Task, cancellationToken); // not awaited: a terminal read cannot be cancelled
            var resizing = options.Resizes is { } resizes ? SendResizesAsync(socket, sending, resizes, running.Token) : Task.CompletedTask;
            async ValueTask StartAsync(RunEvent start)
            {
                try
                {
                    if (options.Started is { } callback)
                    {
                        await callback(start);
                    }
                }
                finally
                {
                    started.TrySetResult();
                }
            }

            var final = await ReceiveOutputAsync(socket, output, StartAsync, cancellationToken);
            await running.CancelAsync();
            await resizing;
            var locked = await sending.WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None); // an input send in flight
            try
            {
                if (socket.State == WebSocketState.CloseReceived)
                {
                    using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "done", wait.Token);
                }
            }
            finally
            {
                if (locked)
                {
                    sending.Release(); // input still being read now fails to send and stops
                }
            }

            return final ?? throw new PaasConnectionException(BaseUrl, "the platform closed the run's connection without its exit status", null);
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
        {
            socket.Abort(); // the platform kills the process when the connection drops
            if (cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("the run was interrupted", e, cancellationToken);
            }

            throw new PaasConnectionException(BaseUrl, "the connection broke while the process ran: " + Innermost(e).Message, e);
        }
        finally
        {
            started.TrySetResult(); // an input pump still waiting gives up on its first send
        }
    }

    /// <summary>The RFC 6455 opening handshake over <see cref="_http"/>; any answer but 101 becomes the usual exceptions.</summary>
    private async Task<WebSocket> ConnectWebSocketAsync(string path, CancellationToken cancellationToken)
    {
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        using var request = new HttpRequestMessage(HttpMethod.Get, Url(path))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new ProductHeaderValue("websocket"));
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", key);
        if (Token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("token", Token);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw new PaasConnectionException(BaseUrl, Innermost(e).Message, e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new PaasConnectionException(BaseUrl, $"no answer within {_http.Timeout.TotalSeconds:0} s", e);
        }

        if (response.StatusCode != HttpStatusCode.SwitchingProtocols)
        {
            using (response)
            {
                throw response.IsSuccessStatusCode
                    ? Unexpected(HttpMethod.Get, path, response, "no WebSocket upgrade")
                    : await ErrorFromAsync(HttpMethod.Get, path, response, cancellationToken);
            }
        }

        var expected = Convert.ToBase64String(SHA1.HashData(Encoding.ASCII.GetBytes(key + WebSocketGuid)));
        if (!response.Headers.TryGetValues("Sec-WebSocket-Accept", out var accept) || accept.FirstOrDefault() != expected)
        {
            response.Dispose();
            throw Unexpected(HttpMethod.Get, path, response, "a WebSocket upgrade without the right Sec-WebSocket-Accept");
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        return WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = false, KeepAliveInterval = RunSocketProtocol.KeepAliveInterval });
    }

    private static async Task SendInputAsync(WebSocket socket, SemaphoreSlim sending, Stream? input, Task started, CancellationToken cancellationToken)
    {
        try
        {
            await started; // nothing is read before the server said whether there is a TTY (the caller may switch to raw mode)
            if (input is not null)
            {
                var buffer = new byte[16 * 1024];
                int read;
                while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
                {
                    await SendLockedAsync(socket, sending, buffer.AsMemory(0, read), WebSocketMessageType.Binary, cancellationToken);
                }
            }

            await SendLockedAsync(socket, sending, ReadOnlyMemory<byte>.Empty, WebSocketMessageType.Binary, cancellationToken); // EOF
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // the run ended (or was interrupted) before the input did
        }
    }

    private static async Task SendResizesAsync(WebSocket socket, SemaphoreSlim sending, ChannelReader<TerminalSize> resizes, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var size in resizes.ReadAllAsync(cancellationToken))
            {
                await SendLockedAsync(socket, sending, JsonSerializer.SerializeToUtf8Bytes(new RunControl(Resize: size), PaasJson.Options), WebSocketMessageType.Text, cancellationToken);
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException or InvalidOperationException)
        {
            // the run ended
        }
    }

    private static async Task SendLockedAsync(WebSocket socket, SemaphoreSlim sending, ReadOnlyMemory<byte> bytes, WebSocketMessageType type, CancellationToken cancellationToken)
    {
        await sending.WaitAsync(cancellationToken);
        try
        {
            await socket.SendAsync(bytes, type, endOfMessage: true, cancellationToken);
        }
        finally
        {
            sending.Release();
        }
    }

    /// <summary>
    /// Reads output until the server closes; returns the last non-start text message (the final event). The first message
    /// goes to <paramref name="start"/> when it is the start message; any other first message means a server without one
    /// (older than the TTY protocol): <paramref name="start"/> then gets a start without a TTY before that message is handled.
    /// </summary>
    private static async Task<RunEvent?> ReceiveOutputAsync(WebSocket socket, Func<byte, ReadOnlyMemory<byte>, ValueTask> output, Func<RunEvent, ValueTask> start, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        var text = new MemoryStream();
        RunEvent? final = null;
        var atMessageStart = true;
        var first = true;
        byte stream = RunSocketProtocol.StandardOutput;
        while (true)
        {
            ValueWebSocketReceiveResult received;
            try
            {
                received = await socket.ReceiveAsync(buffer.AsMemory(), cancellationToken);
            }
            catch (Exception e) when (e is WebSocketException or IOException && final is not null)
            {
                return final; // the exit status came; a connection dropped instead of closed does not matter then
            }

            if (received.MessageType == WebSocketMessageType.Close)
            {
                return final;
            }

            var bytes = buffer.AsMemory(0, received.Count);
            if (received.MessageType == WebSocketMessageType.Binary)
            {
                if (first)
                {
                    first = false;
                    await start(new RunEvent(Tty: false));
                }

                if (atMessageStart && bytes.Length > 0)
                {
                    stream = bytes.Span[0];
                    bytes = bytes[1..];
                }

                if (bytes.Length > 0)
                {
                    await output(stream, bytes);
                }
            }
            else
            {
                text.Write(bytes.Span);
                if (received.EndOfMessage)
                {
                    var message = JsonSerializer.Deserialize<RunEvent>(text.ToArray(), PaasJson.Options);
                    text.SetLength(0);
                    if (first)
                    {
                        first = false;
                        if (message?.Tty is not null)
                        {
                            await start(message);
                            atMessageStart = true;
                            continue;
                        }

                        await start(new RunEvent(Tty: false));
                    }

                    final = message;
                }
            }

            atMessageStart = received.EndOfMessage;
        }
    }
}

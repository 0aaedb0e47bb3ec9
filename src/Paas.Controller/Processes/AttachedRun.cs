using System.Buffers;
using System.IO.Pipelines;
using System.Net.WebSockets;
using System.Text.Json;
using Paas.Client;
using Paas.Scheduling;

namespace Paas.Controller;

/// <summary>
/// One attached one-off process over an accepted WebSocket, as <see cref="RunSocketProtocol"/> describes:
/// 1. read the run request (the first text message, within <see cref="RequestWait"/>) and check it;
/// 2. send the start message: whether the process gets a TTY (asked for, and the scheduler has one), with the reason when not;
/// 3. start the run with a pipe as its standard input and the socket as its raw output (one binary message per chunk), on
///    a terminal of the caller's size when it gets one;
/// 4. copy the client's binary messages into the pipe (with back-pressure) until the empty one (EOF), and apply its resize
///    messages to the terminal; a close or a dropped connection before the end ends the process;
/// 5. send the final <see cref="RunEvent"/>, close, and wait briefly for the client's close.
/// </summary>
internal sealed class AttachedRun : IDisposable
{
    private static readonly TimeSpan RequestWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(5);
    private readonly WebSocket _socket;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private readonly CancellationTokenSource _clientGone;
    private readonly RunTerminal? _terminal;
    private bool _finished;

    private AttachedRun(WebSocket socket, RunTerminal? terminal, CancellationToken requestAborted)
    {
        _socket = socket;
        _terminal = terminal;
        _clientGone = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
    }

    /// <summary>Frees the cancellation source; the semaphore needs no disposal and a straggling output pump may still use it.</summary>
    public void Dispose() => _clientGone.Dispose();

    public static RunEvent Final(RunResult result) =>
        new(Name: result.Name, ExitCode: result.ExitCode, TimedOut: result.TimedOut, FailureReason: result.FailureReason);

    /// <summary>Runs one attached process over an accepted socket.</summary>
    /// <param name="socket">The socket.</param>
    /// <param name="spec">The release to run from.</param>
    /// <param name="scheduler">The scheduler.</param>
    /// <param name="ttyRefusal">Null when the scheduler gives a TTY; else the sentence the caller gets when it asks for one.</param>
    /// <param name="requestAborted">The request's abort token.</param>
    /// <returns>A task that completes when the run and the socket are over.</returns>
    public static async Task RunAsync(WebSocket socket, DeploymentSpec spec, IScheduler scheduler, string? ttyRefusal, CancellationToken requestAborted)
    {
        var (request, invalid) = await ReadRequestAsync(socket, requestAborted).ConfigureAwait(false);
        if (request is null)
        {
            await RefuseAsync(socket, invalid!).ConfigureAwait(false);
            return;
        }

        var tty = request.Tty && ttyRefusal is null;
        var size = request.TerminalSize ?? TerminalSize.Default;
        using var session = new AttachedRun(socket, tty ? new RunTerminal(new WindowSize(size.Width, size.Height), request.Term ?? RunTerminal.DefaultType) : null, requestAborted);
        if (!await session.StartAsync(new RunEvent(Tty: tty, Notice: request.Tty && !tty ? ttyRefusal : null)).ConfigureAwait(false))
        {
            return;
        }

        await session.RunAsync(RunApi.ToRunRequest(spec, request) with { Terminal = session._terminal }, scheduler).ConfigureAwait(false);
    }

    /// <summary>Sends the start message; false when the client is gone already (nothing is run then).</summary>
    private async Task<bool> StartAsync(RunEvent start)
    {
        try
        {
            await _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(start, PaasJson.Options), WebSocketMessageType.Text, endOfMessage: true, _clientGone.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            _socket.Abort();
            return false;
        }
    }

    private async Task RunAsync(RunRequest request, IScheduler scheduler)
    {
        var stdin = new Pipe();
        var receiving = ReceiveInputAsync(stdin.Writer);
        var result = await scheduler.RunAsync(
            request with
            {
                Input = stdin.Reader.AsStream(),
                RawOutput = (chunk, token) => SendOutputAsync((byte)chunk.Stream, chunk.Bytes, token),
            },
            (line, token) => SendOutputAsync(RunSocketProtocol.StandardOutput, System.Text.Encoding.UTF8.GetBytes(line + "\n"), token), // a runtime without raw output
            _clientGone.Token).ConfigureAwait(false);

        await stdin.Reader.CompleteAsync().ConfigureAwait(false); // input still arriving is dropped from now on
        _terminal?.Complete();
        await _sending.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        _finished = true; // output that comes after this (a pump still draining) is dropped
        _sending.Release();
        if (_clientGone.IsCancellationRequested)
        {
            _socket.Abort();
            return;
        }

        try
        {
            using var wait = new CancellationTokenSource(CloseWait);
            await _socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(Final(result), PaasJson.Options), WebSocketMessageType.Text, endOfMessage: true, wait.Token).ConfigureAwait(false);
            await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "exited", wait.Token).ConfigureAwait(false);
            await receiving.WaitAsync(wait.Token).ConfigureAwait(false); // ends with the client's close
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            // the client went away or did not close in time; nothing more to tell it
        }
        finally
        {
            if (_socket.State != WebSocketState.Closed)
            {
                _socket.Abort();
            }
        }
    }

    private static async Task RefuseAsync(WebSocket socket, string reason)
    {
        try
        {
            using var wait = new CancellationTokenSource(CloseWait);
            await socket.SendAsync(JsonSerializer.SerializeToUtf8Bytes(new RunEvent(FailureReason: reason), PaasJson.Options), WebSocketMessageType.Text, endOfMessage: true, wait.Token).ConfigureAwait(false);
            await socket.CloseAsync(WebSocketCloseStatus.PolicyViolation, "bad run request", wait.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            socket.Abort();
        }
    }

    private static async Task<(RunCreateRequest? Request, string? Invalid)> ReadRequestAsync(WebSocket socket, CancellationToken requestAborted)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        wait.CancelAfter(RequestWait);
        var buffer = new byte[RunSocketProtocol.MaxRequestBytes];
        var length = 0;
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(length), wait.Token).ConfigureAwait(false);
                if (received.MessageType != WebSocketMessageType.Text)
                {
                    return (null, "the first message must be the run request as JSON text, e.g. {\"command\": \"bash\"}");
                }

                length += received.Count;
                if (received.EndOfMessage)
                {
                    break;
                }

                if (length == buffer.Length)
                {
                    return (null, $"the run request is larger than {RunSocketProtocol.MaxRequestBytes / 1024} KiB");
                }
            }

            var request = JsonSerializer.Deserialize<RunCreateRequest>(buffer.AsSpan(0, length), PaasJson.Options);
            var invalid = request is null ? "the run request is empty" : request.Detached ? "a detached run is started with POST /v2/apps/{app}/run" : RunApi.Validate(request);
            return invalid is null ? (request, null) : (null, invalid);
        }
        catch (JsonException e)
        {
            return (null, "the run request is not valid JSON: " + e.Message);
        }
        catch (OperationCanceledException) when (!requestAborted.IsCancellationRequested)
        {
            return (null, $"no run request within {RequestWait.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
        {
            return (null, "the connection ended before the run request came"); // the refusal then fails quietly
        }
    }

    /// <summary>Copies stdin messages into the pipe; cancels the run when the client closes or drops before the end.</summary>
    private async Task ReceiveInputAsync(PipeWriter stdin)
    {
        var open = true;
        var atMessageStart = true;
        var discard = new byte[4096];
        var control = new ArrayBufferWriter<byte>();
        try
        {
            while (true)
            {
                var memory = open ? stdin.GetMemory(16 * 1024) : discard;
                var received = await _socket.ReceiveAsync(memory, CancellationToken.None).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    Gone(); // harmless once the run has ended
                    return;
                }

                var eof = received.MessageType == WebSocketMessageType.Binary && received.Count == 0 && received.EndOfMessage && atMessageStart;
                atMessageStart = received.EndOfMessage;
                if (received.MessageType == WebSocketMessageType.Text)
                {
                    Control(control, memory.Span[..received.Count], received.EndOfMessage);
                    continue;
                }

                if (!open)
                {
                    continue;
                }

                if (eof)
                {
                    open = false;
                    await stdin.CompleteAsync().ConfigureAwait(false);
                    continue;
                }

                stdin.Advance(received.Count);
                if ((await stdin.FlushAsync().ConfigureAwait(false)).IsCompleted)
                {
                    open = false; // the run has ended: the rest is dropped
                    await stdin.CompleteAsync().ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            Gone();
        }
    }

    /// <summary>
    /// Collects a control message (<see cref="RunControl"/>, text) and applies it once whole: a resize goes to the terminal.
    /// A message that is not one, too long (over <see cref="RunSocketProtocol.MaxRequestBytes"/>), or an invalid size is ignored.
    /// </summary>
    private void Control(ArrayBufferWriter<byte> message, ReadOnlySpan<byte> part, bool end)
    {
        if (message.WrittenCount + part.Length <= RunSocketProtocol.MaxRequestBytes)
        {
            message.Write(part);
        }

        if (!end)
        {
            return;
        }

        try
        {
            if (JsonSerializer.Deserialize<RunControl>(message.WrittenSpan, PaasJson.Options)?.Resize is { IsValid: true } size)
            {
                _terminal?.Resize(new WindowSize(size.Width, size.Height));
            }
        }
        catch (JsonException)
        {
            // not a control message this server knows
        }
        finally
        {
            message.ResetWrittenCount();
        }
    }

    /// <summary>The client closed or dropped the connection: ends the run (the scheduler kills the process).</summary>
    private void Gone()
    {
        try
        {
            _clientGone.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // the session is over already
        }
    }

    private async ValueTask SendOutputAsync(byte stream, ReadOnlyMemory<byte> bytes, CancellationToken cancellationToken)
    {
        var message = ArrayPool<byte>.Shared.Rent(bytes.Length + 1);
        try
        {
            message[0] = stream;
            bytes.CopyTo(message.AsMemory(1));
            await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!_finished)
                {
                    await _socket.SendAsync(message.AsMemory(0, bytes.Length + 1), WebSocketMessageType.Binary, endOfMessage: true, cancellationToken).ConfigureAwait(false);
                }
            }
            finally
            {
                _sending.Release();
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
        {
            Gone(); // the process is killed
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(message);
        }
    }
}

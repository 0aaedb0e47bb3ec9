using System.Buffers;
using System.Buffers.Text;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Paas.Router.Forwarding;

/// <summary>
/// <see cref="IHttpForwarder"/> that speaks HTTP/1.1 to the backend itself over pooled keep-alive sockets
/// (<see cref="BackendPool"/>), with no <c>HttpClient</c> objects in between. Upgrades (WebSocket over HTTP/1.1
/// Upgrade or HTTP/2 extended CONNECT) go to <paramref name="upgrades"/>. One attempt:
/// 1. Head: request line with the raw target, the client's headers minus hop-by-hop, <c>Expect</c> and the
///    router-owned ones, the Heroku headers, the body framing (<c>Content-Length</c> as sent, else chunked);
///    a body already received and small enough rides in the same buffer.
/// 2. Connection: an idle pooled one still open, else a new one (connect timeout; refused -> the caller tries
///    another endpoint).
/// 3. Send the head, then stream the rest of the body concurrently with step 4 (idle timeout per chunk).
/// 4. Response head: skip 1xx interim responses; first-byte timeout. A reused connection that fails before any
///    response byte was stale: an idempotent request whose bytes are all still in the head buffer is sent again,
///    once, on a new connection (RFC 9112 section 9.3.1).
/// 5. Copy the status and headers minus hop-by-hop (and those the backend's <c>Connection</c> names).
/// 6. Body by its framing (none for HEAD/1xx/204/304, Content-Length, chunked with trailers, or until close),
///    flushing to the client only before waiting on the backend; idle timeout.
/// 7. The connection goes back to the pool when the exchange was complete and both sides keep it alive.
/// Timeouts come from <see cref="BackendPool"/>'s heartbeat via the connection's deadline.
/// </summary>
internal sealed class Http1Forwarder(BackendPool pool, IHttpForwarder upgrades) : IHttpForwarder, IDisposable
{
    /// <summary>A request body up to this size that has already arrived goes in the same send as the head.</summary>
    private const int InlineBodyBytes = 16 * 1024;

    private const int BodyChunkBytes = 64 * 1024;

    private static readonly byte[] Http11 = " HTTP/1.1\r\n"u8.ToArray();
    private static readonly byte[] LastChunk = "0\r\n\r\n"u8.ToArray();

    public ValueTask<ForwardResult> SendAsync(HttpContext context, ForwardRequest request)
    {
        if (context.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true }
            || context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true })
        {
            return upgrades.SendAsync(context, request);
        }

        return ForwardAsync(context, request);
    }

    /// <summary>Disposes the upgrade forwarder; the pool belongs to the container (the fast path shares it).</summary>
    public void Dispose() => (upgrades as IDisposable)?.Dispose();

    private async ValueTask<ForwardResult> ForwardAsync(HttpContext context, ForwardRequest request)
    {
        var timeouts = request.Timeouts;
        var firstByteMs = (long)timeouts.FirstByte.TotalMilliseconds;
        var idleMs = (long)timeouts.Idle.TotalMilliseconds;
        var bodyReader = context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: true } ? context.Request.BodyReader : null;
        var writer = context.Response.BodyWriter;
        var clientAborted = context.RequestAborted;
        var isHead = HttpMethods.IsHead(context.Request.Method);

        // 1. Head (and a small body already here).
        using var head = new RequestHead();
        var body = WriteHead(context, request, head, bodyReader);
        var inlineBodyComplete = bodyReader is null || await InlineBodyAsync(bodyReader, body, head);
        var retryable = inlineBodyComplete && IsIdempotent(context.Request.Method);

        var destination = pool.For(request.DestinationPrefix);
        long connectMs = 0;
        for (var attempt = 0; ; attempt++)
        {
            // 2. Connection.
            var connection = attempt == 0 ? destination.TryRent() : null;
            if (connection is null)
            {
                try
                {
                    (connection, var ms) = await destination.ConnectAsync(timeouts.Connect);
                    connectMs += ms;
                }
                catch (TimeoutException e)
                {
                    return new ForwardResult(ForwarderError.ConnectTimeout, connectMs, 0, e);
                }
                catch (SocketException e)
                {
                    return new ForwardResult(ForwarderError.ConnectRefused, connectMs, 0, e);
                }
            }

            connection.Begin(clientAborted);
            var exchange = new Exchange(connection, firstByteMs, idleMs);
            var keep = false;
            Task<ForwarderError>? bodyTask = null;
            try
            {
                // 3. Send the head, then the rest of the body.
                exchange.RequestPhase(inlineBodyComplete);
                try
                {
                    await connection.SendAsync(head.Written);
                }
                catch (Exception e) when (IsSocketFailure(e))
                {
                    if (connection.Expired != ForwarderError.None)
                    {
                        return new ForwardResult(connection.Expired, connectMs, 0, e);
                    }

                    if (connection.Reused && retryable && attempt == 0)
                    {
                        continue;
                    }

                    return new ForwardResult(ForwarderError.BackendClosed, connectMs, 0, e);
                }

                if (!inlineBodyComplete)
                {
                    connection.InterruptReading(bodyReader);
                    bodyTask = SendBodyAsync(exchange, bodyReader!, body);
                }

                // 4. Response head.
                var response = connection.Response;
                var (headError, headException, anyByte) = await ReadHeadAsync(exchange, response, bodyTask);
                if (headError != ForwarderError.None)
                {
                    if (headError == ForwarderError.BackendClosed && !anyByte && connection.Reused && retryable && attempt == 0)
                    {
                        continue;
                    }

                    return new ForwardResult(await FinishBodyAsync(bodyTask, bodyReader, headError), connectMs, 0, headException);
                }

                // 5. Status and headers.
                exchange.ResponseStarted();
                var framing = CopyHead(context, connection, response, isHead);
                connection.InterruptWriting(writer);

                // 6. Body.
                var (bodyError, bytes, bodyException) = await CopyBodyAsync(context, exchange, framing, response.ContentLength, writer);
                if (bodyTask is { IsCompleted: false })
                {
                    // The response ended (or failed) before the whole request body was sent: the rest is not needed,
                    // and this connection cannot be reused.
                    bodyReader!.CancelPendingRead();
                    connection.Close();
                }

                var sendError = await FinishBodyAsync(bodyTask, bodyReader, ForwarderError.None);

                // 7. Keep-alive.
                keep = bodyError == ForwarderError.None && sendError == ForwarderError.None && framing != Framing.UntilClose
                    && connection.Start == connection.End
                    && !response.Close && (response.Version == 11 || response.KeepAlive) && connection.Expired == ForwarderError.None;
                return new ForwardResult(bodyError, connectMs, bytes, bodyException);
            }
            finally
            {
                connection.Finish();
                if (keep)
                {
                    destination.Return(connection);
                }
                else
                {
                    destination.Remove(connection);
                }
            }
        }
    }

    private static bool IsIdempotent(string method) =>
        HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method)
        || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method);

    private static bool IsSocketFailure(Exception e) => e is SocketException or ObjectDisposedException or IOException;

    /// <summary>Step 1: the head bytes; returns how the body goes (none, Content-Length or chunked).</summary>
    private static BodyFraming WriteHead(HttpContext context, ForwardRequest request, RequestHead head, PipeReader? bodyReader)
    {
        var incoming = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var target = rawTarget is { Length: > 0 } && rawTarget[0] == '/'
            ? rawTarget
            : incoming.PathBase.ToUriComponent() + incoming.Path.ToUriComponent() + incoming.QueryString.ToUriComponent();
        head.Write(incoming.Method);
        head.Write(" "u8);
        head.Write(target);
        head.Write(Http11);

        var headers = incoming.Headers;
        var named = headers.TryGetValue(HeaderNames.Connection, out var connection) ? HopByHopHeaders.NamedInConnection(connection) : null;
        var hasLength = false;
        foreach (var (name, value) in headers)
        {
            if (HopByHopHeaders.IsHopByHop(name) || ProxyHeaders.IsRouterOwned(name) || HopByHopHeaders.Contains(named, name)
                || name.Equals(HeaderNames.Expect, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (name.Equals(HeaderNames.ContentLength, StringComparison.OrdinalIgnoreCase))
            {
                // Written below from the parsed value, and only when there is a body to frame.
                continue;
            }

            if (value.Count == 1)
            {
                head.WriteHeader(name, value.ToString());
            }
            else
            {
                head.WriteHeader(name, value, name.Equals(HeaderNames.Cookie, StringComparison.OrdinalIgnoreCase) ? "; " : ", ");
            }
        }

        var proxy = request.Headers;
        head.WriteHeader(HeaderNames.Host, proxy.Host);
        head.WriteHeader("X-Forwarded-For", proxy.ForwardedFor);
        head.WriteHeader("X-Forwarded-Proto", proxy.Proto);
        head.WriteHeader("X-Forwarded-Port", proxy.Port);
        head.WriteHeader("X-Forwarded-Host", proxy.Host);
        head.WriteHeader("X-Request-Id", proxy.RequestId);
        head.WriteHeader("X-Request-Start", proxy.RequestStart);
        head.WriteHeader(HeaderNames.Via, proxy.ViaAfter(headers.Via));

        BodyFraming framing;
        if (bodyReader is null)
        {
            framing = new BodyFraming(false, 0);
            hasLength = incoming.ContentLength == 0;
        }
        else if (incoming.ContentLength is { } length)
        {
            framing = new BodyFraming(false, length);
            hasLength = true;
        }
        else
        {
            framing = new BodyFraming(true, -1);
            head.Write("Transfer-Encoding: chunked\r\n"u8);
        }

        if (hasLength)
        {
            Span<byte> digits = stackalloc byte[20];
            Utf8Formatter.TryFormat(incoming.ContentLength ?? 0, digits, out var written);
            head.Write("Content-Length: "u8);
            head.Write(digits[..written]);
            head.Write("\r\n"u8);
        }

        head.Write("\r\n"u8);
        return framing;
    }

    /// <summary>
    /// Step 1 (body): appends what the client already sent, when the whole body is here and small; true when the
    /// body is then complete in <paramref name="head"/>. Never waits for the client.
    /// </summary>
    private static ValueTask<bool> InlineBodyAsync(PipeReader reader, BodyFraming framing, RequestHead head)
    {
        if (framing.Length == 0)
        {
            return ValueTask.FromResult(true);
        }

        if (!reader.TryRead(out var result))
        {
            return ValueTask.FromResult(false);
        }

        var buffer = result.Buffer;
        if (result.IsCompleted && !result.IsCanceled && buffer.Length <= InlineBodyBytes)
        {
            WriteBodyChunk(head, buffer, framing.Chunked);
            if (framing.Chunked)
            {
                head.Write("0\r\n\r\n"u8);
            }

            reader.AdvanceTo(buffer.End);
            return ValueTask.FromResult(true);
        }

        reader.AdvanceTo(buffer.Start);
        return ValueTask.FromResult(false);
    }

    private static void WriteBodyChunk(RequestHead target, ReadOnlySequence<byte> data, bool chunked)
    {
        if (data.IsEmpty)
        {
            return;
        }

        if (chunked)
        {
            Span<byte> size = stackalloc byte[16];
            Utf8Formatter.TryFormat(data.Length, size, out var written, new StandardFormat('X'));
            target.Write(size[..written]);
            target.Write("\r\n"u8);
        }

        foreach (var segment in data)
        {
            target.Write(segment.Span);
        }

        if (chunked)
        {
            target.Write("\r\n"u8);
        }
    }

    /// <summary>Step 3: streams the body from the client to the backend, a chunk at a time, as it arrives.</summary>
    private static async Task<ForwarderError> SendBodyAsync(Exchange exchange, PipeReader reader, BodyFraming framing)
    {
        var connection = exchange.Connection;
        using var chunk = new RequestHead();
        while (true)
        {
            ReadResult result;
            try
            {
                exchange.Touch();
                result = await reader.ReadAsync();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // The client went away or sent a malformed body.
                connection.Close();
                return connection.Expired != ForwarderError.None ? connection.Expired : ForwarderError.ClientAborted;
            }

            if (result.IsCanceled)
            {
                connection.Close();
                return connection.Expired != ForwarderError.None ? connection.Expired : ForwarderError.ClientAborted;
            }

            var buffer = result.Buffer;
            while (!buffer.IsEmpty)
            {
                var piece = buffer.Slice(0, Math.Min(buffer.Length, BodyChunkBytes));
                chunk.Reset();
                WriteBodyChunk(chunk, piece, framing.Chunked);
                buffer = buffer.Slice(piece.End);
                if (buffer.IsEmpty && result.IsCompleted && framing.Chunked)
                {
                    chunk.Write("0\r\n\r\n"u8);
                }

                try
                {
                    exchange.Touch();
                    await connection.SendAsync(chunk.Written);
                }
                catch (Exception e) when (IsSocketFailure(e))
                {
                    reader.AdvanceTo(result.Buffer.End);
                    return connection.Expired != ForwarderError.None ? connection.Expired : ForwarderError.BackendClosed;
                }
            }

            if (result.IsCompleted && framing.Chunked && result.Buffer.IsEmpty)
            {
                try
                {
                    await connection.SendAsync(LastChunk);
                }
                catch (Exception e) when (IsSocketFailure(e))
                {
                    reader.AdvanceTo(result.Buffer.End);
                    return ForwarderError.BackendClosed;
                }
            }

            reader.AdvanceTo(result.Buffer.End);
            if (result.IsCompleted)
            {
                connection.InterruptReading(null);
                exchange.RequestSent();
                return ForwarderError.None;
            }
        }
    }

    /// <summary>Waits for the body task (cancelling the client read when the exchange already failed) and merges its outcome.</summary>
    private static async ValueTask<ForwarderError> FinishBodyAsync(Task<ForwarderError>? bodyTask, PipeReader? reader, ForwarderError error)
    {
        if (bodyTask is null)
        {
            return error;
        }

        if (error != ForwarderError.None && !bodyTask.IsCompleted)
        {
            reader!.CancelPendingRead();
        }

        var bodyError = await bodyTask;
        return error != ForwarderError.None ? (bodyError == ForwarderError.ClientAborted ? bodyError : error) : bodyError;
    }

    /// <summary>Step 4: reads the response head, skipping 1xx interim responses.</summary>
    private static async ValueTask<(ForwarderError Error, Exception? Exception, bool AnyByte)> ReadHeadAsync(
        Exchange exchange, Http1ResponseHead response, Task<ForwarderError>? bodyTask)
    {
        var connection = exchange.Connection;
        var anyByte = false;
        try
        {
            while (true)
            {
                if (connection.End > connection.Start)
                {
                    anyByte = true;
                    if (response.TryParse(connection.Unread, out var consumed))
                    {
                        connection.Start += consumed;
                        if (response.Status is >= 100 and < 200)
                        {
                            continue;
                        }

                        return (ForwarderError.None, null, true);
                    }
                }

                if (await connection.FillAsync(BackendConnection.MaxHeadBytes) == 0)
                {
                    var error = connection.Expired != ForwarderError.None ? connection.Expired
                        : bodyTask is { IsCompleted: true } && bodyTask.Result != ForwarderError.None ? bodyTask.Result
                        : ForwarderError.BackendClosed;
                    return (error, null, anyByte);
                }
            }
        }
        catch (Exception e) when (IsSocketFailure(e) || e is InvalidDataException)
        {
            return (connection.Expired != ForwarderError.None ? connection.Expired : ForwarderError.BackendClosed, e, anyByte || e is InvalidDataException);
        }
    }

    /// <summary>Step 5: status and headers to the client; returns the body framing.</summary>
    private static Framing CopyHead(HttpContext context, BackendConnection connection, Http1ResponseHead response, bool isHead)
    {
        var outgoing = context.Response;
        outgoing.StatusCode = response.Status;
        var headers = outgoing.Headers;
        var preset = headers.Count;
        var named = response.ConnectionValue is { } connectionValue ? HopByHopHeaders.NamedInConnection(connectionValue) : null;
        var data = connection.Buffer;
        var headStart = connection.Start - response.HeadLength;
        for (var i = 0; i < response.Count; i++)
        {
            ref readonly var line = ref response[i];
            var nameBytes = data.AsSpan(headStart + line.NameStart, line.NameLength);
            var name = ResponseHeaderNames.Get(nameBytes);
            if (HopByHopHeaders.IsHopByHop(name) || HopByHopHeaders.Contains(named, name)
                || ReferenceEquals(name, HeaderNames.ContentLength))
            {
                continue;
            }

            var value = Encoding.Latin1.GetString(data, headStart + line.ValueStart, line.ValueLength);
            if (headers.TryGetValue(name, out var existing) && (preset == 0 || SetEarlier(response, data, headStart, i, nameBytes)))
            {
                headers[name] = StringValues.Concat(existing, value);
            }
            else
            {
                headers[name] = value;
            }
        }

        if (isHead || response.Status is 204 or 304)
        {
            if (response.ContentLength >= 0 && response.Status != 204)
            {
                outgoing.ContentLength = response.ContentLength;
            }

            return Framing.None;
        }

        if (response.Chunked)
        {
            return Framing.Chunked;
        }

        if (response.ContentLength >= 0)
        {
            outgoing.ContentLength = response.ContentLength;
            return Framing.Length;
        }

        return Framing.UntilClose;
    }

    /// <summary>Whether header <paramref name="index"/>'s name appeared earlier in this response (a repeated header is appended, one the router set is replaced).</summary>
    private static bool SetEarlier(Http1ResponseHead response, byte[] data, int headStart, int index, ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < index; i++)
        {
            ref readonly var line = ref response[i];
            if (line.NameLength == name.Length && Ascii.EqualsIgnoreCase(data.AsSpan(headStart + line.NameStart, line.NameLength), name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Step 6: the body, by its framing.</summary>
    private static async ValueTask<(ForwarderError Error, long Bytes, Exception? Exception)> CopyBodyAsync(
        HttpContext context, Exchange exchange, Framing framing, long contentLength, PipeWriter writer)
    {
        var connection = exchange.Connection;
        long bytes = 0;
        var unflushed = false;
        var flushed = false;
        try
        {
            switch (framing)
            {
                case Framing.None:
                    return (ForwarderError.None, 0, null);

                case Framing.Length:
                case Framing.UntilClose:
                    {
                        var remaining = framing == Framing.Length ? contentLength : long.MaxValue;
                        var buffered = (int)Math.Min(remaining, connection.End - connection.Start);
                        if (buffered > 0)
                        {
                            writer.Write(connection.Unread[..buffered]);
                            connection.Start += buffered;
                            remaining -= buffered;
                            bytes += buffered;
                            unflushed = true;
                        }

                        while (remaining > 0)
                        {
                            if (unflushed)
                            {
                                if (await FlushAsync(exchange, writer) is { } flushError)
                                {
                                    return (flushError, bytes, null);
                                }

                                unflushed = false;
                                flushed = true;
                            }

                            var memory = writer.GetMemory(16 * 1024);
                            if (memory.Length > remaining)
                            {
                                memory = memory[..(int)remaining];
                            }

                            exchange.Touch();
                            var read = await connection.ReceiveAsync(memory);
                            if (read == 0)
                            {
                                return framing == Framing.UntilClose ? (ForwarderError.None, bytes, null) : (Failed(connection), bytes, null);
                            }

                            writer.Advance(read);
                            remaining -= read;
                            bytes += read;
                            unflushed = true;
                        }

                        break;
                    }

                case Framing.Chunked:
                    {
                        var decoder = new ChunkedDecoder();
                        while (true)
                        {
                            var step = decoder.Step(connection, writer, out var copied);
                            bytes += copied;
                            unflushed |= copied > 0;
                            if (step == ChunkedDecoder.Result.Done)
                            {
                                CopyTrailers(context, decoder);
                                break;
                            }

                            if (unflushed)
                            {
                                if (await FlushAsync(exchange, writer) is { } flushError)
                                {
                                    return (flushError, bytes, null);
                                }

                                unflushed = false;
                                flushed = true;
                            }

                            exchange.Touch();
                            if (await connection.FillAsync(BackendConnection.MaxHeadBytes) == 0)
                            {
                                return (Failed(connection), bytes, null);
                            }
                        }

                        break;
                    }
            }
        }
        catch (Exception e) when (IsSocketFailure(e))
        {
            return (Failed(connection), bytes, e);
        }
        catch (InvalidDataException e)
        {
            return (ForwarderError.ResponseBodyFailed, bytes, e);
        }

        // A body that came whole with the head is left for Kestrel to send with the end of the response (one write);
        // once the response has been flushed, Kestrel does not send bytes advanced after that on its own.
        if (unflushed && flushed && await FlushAsync(exchange, writer) is { } lastFlushError)
        {
            return (lastFlushError, bytes, null);
        }

        return (ForwarderError.None, bytes, null);
    }

    private static ForwarderError Failed(BackendConnection connection) =>
        connection.Expired != ForwarderError.None ? connection.Expired : ForwarderError.ResponseBodyFailed;

    private static async ValueTask<ForwarderError?> FlushAsync(Exchange exchange, PipeWriter writer)
    {
        try
        {
            exchange.Touch();
            var flush = await writer.FlushAsync();
            if (flush.IsCanceled)
            {
                return exchange.Connection.Expired is var expired && expired != ForwarderError.None ? expired : ForwarderError.ClientAborted;
            }

            return flush.IsCompleted ? ForwarderError.ClientAborted : null;
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
        {
            return ForwarderError.ClientAborted;
        }
    }

    private static void CopyTrailers(HttpContext context, ChunkedDecoder decoder)
    {
        if (decoder.Trailers is not { Count: > 0 } trailers || !context.Response.SupportsTrailers())
        {
            return;
        }

        foreach (var (name, value) in trailers)
        {
            context.Response.AppendTrailer(name, value);
        }
    }

    /// <summary>How the request body goes to the backend.</summary>
    private readonly record struct BodyFraming(bool Chunked, long Length);

    /// <summary>How the response body is delimited (RFC 9112 section 6.3).</summary>
    private enum Framing
    {
        None,
        Length,
        Chunked,
        UntilClose,
    }

    /// <summary>The timing of one exchange on its connection: which deadline is running.</summary>
    private sealed class Exchange(BackendConnection connection, long firstByteMs, long idleMs)
    {
        private volatile bool _responseStarted;

        public BackendConnection Connection { get; } = connection;

        /// <summary>After the head is sent: the first-byte window when the request is complete, else the idle window for its body.</summary>
        public void RequestPhase(bool requestComplete)
        {
            if (requestComplete)
            {
                Connection.SetDeadline(firstByteMs, ForwarderError.FirstByteTimeout);
            }
            else
            {
                Touch();
            }
        }

        /// <summary>The request body is fully sent: the first-byte window starts now (as Heroku's 30 s window does).</summary>
        public void RequestSent()
        {
            if (!_responseStarted)
            {
                Connection.SetDeadline(firstByteMs, ForwarderError.FirstByteTimeout);
            }
        }

        public void ResponseStarted()
        {
            _responseStarted = true;
            Touch();
        }

        /// <summary>Activity on a body: the idle window restarts.</summary>
        public void Touch() => Connection.SetDeadline(idleMs, ForwarderError.IdleTimeout);
    }
}

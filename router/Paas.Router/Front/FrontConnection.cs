using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text;
using Paas.Router.Balancing;
using Paas.Router.Forwarding;
using Paas.Router.Logging;
using Paas.Router.Pipeline;
using Paas.Router.Routing;
using Paas.Router.Sockets;

namespace Paas.Router.Front;

/// <summary>
/// One client connection on the plain-HTTP port, served below Kestrel's HTTP layer: the router's fast path.
/// For each request:
/// 1. Read the head (and a body of known length that fits in the 16 KiB buffer) and parse it strictly
///    (<see cref="Http1RequestHead"/>).
/// 2. Hand the connection to Kestrel's HTTP/1.1 server, bytes already read included, when the fast path does not
///    serve the request: anything unusual in the head (then Kestrel answers 400/431 by its own rules), an upgrade,
///    a chunked or large body, <c>Expect</c>, an unknown host, maintenance, <c>tls:enable</c>, an app with no web
///    process. Kestrel then serves the connection to its end with <see cref="RouterPipeline"/>, so every page,
///    redirect and WebSocket behaves exactly as on HTTPS.
/// 3. Otherwise build the backend request in one buffer: the request line and header lines as they came, minus
///    hop-by-hop and router-owned headers, plus the Heroku headers, then the body.
/// 4. Select an endpoint and exchange on a pooled backend connection, as <see cref="Http1Forwarder"/> does
///    (connect timeout, a refused endpoint out of rotation and the next one tried, one retry of an idempotent
///    request on a stale connection, first-byte and idle timeouts through <see cref="BackendPool"/>'s heartbeat).
/// 5. Relay the response: status line as HTTP/1.1, headers minus hop-by-hop, the body byte for byte by its framing
///    (none, Content-Length, chunked passed through, or until close); a response that came whole goes in one send,
///    after step 6.
/// 6. Log the router line; keep the connection for the next request unless either side asked to close.
/// Failures before the response started are answered with the router's error pages, as by the pipeline.
/// </summary>
internal sealed class FrontConnection : IDisposable
{
    /// <summary>Receive buffer: the largest head plus body the fast path serves itself.</summary>
    public const int BufferSize = 16 * 1024;

    /// <summary>A response body up to this size that came with the head goes to the client in the same send.</summary>
    private const int InlineResponseBytes = 32 * 1024;

    private const string ViaValue = "1.1 paas-router";

    private readonly LoopSocket _socket;
    private readonly FrontListener _listener;
    private readonly FrontServices _services;
    private readonly Http1RequestHead _head = new();
    private readonly RequestHead _request = new();
    private readonly RequestHead _reply = new();
    private readonly byte[] _buffer;
    private readonly string _clientAddress;
    private readonly byte[] _clientAddressBytes;
    private readonly byte[] _localPortBytes;
    private int _start;
    private int _end;
    private long _deadline;
    private int _disposed;

    public FrontConnection(LoopSocket loopSocket, FrontListener listener, FrontServices services)
    {
        _socket = loopSocket;
        var socket = loopSocket.Socket;
        _listener = listener;
        _services = services;
        _buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var remote = socket.RemoteEndPoint as IPEndPoint;
        var address = remote?.Address is { IsIPv4MappedToIPv6: true } mapped ? mapped.MapToIPv4() : remote?.Address;
        _clientAddress = address?.ToString() ?? "unknown";
        _clientAddressBytes = Encoding.ASCII.GetBytes(_clientAddress);
        _localPortBytes = Encoding.ASCII.GetBytes(((socket.LocalEndPoint as IPEndPoint)?.Port ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>True while the connection waits for a request with nothing buffered (may be closed to drain).</summary>
    public bool Idle { get; private set; }

    /// <summary>Closes the connection if its keep-alive or head deadline passed (<paramref name="now"/>: <see cref="Environment.TickCount64"/>).</summary>
    public void CheckDeadline(long now)
    {
        var deadline = Volatile.Read(ref _deadline);
        if (deadline != 0 && now >= deadline)
        {
            Dispose();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _socket.Dispose();
        }
    }

    /// <summary>Serves requests until the connection closes or is handed to Kestrel.</summary>
    public async Task RunAsync()
    {
        var handedOff = false;
        try
        {
            while (!_listener.Draining || !Idle)
            {
                var parsed = await ReadRequestAsync();
                if (parsed is null)
                {
                    return;
                }

                AppState? app = null;
                if (parsed == Http1RequestHead.ParseResult.Ok)
                {
                    app = Match();
                }

                if (app is null)
                {
                    handedOff = true;
                    _listener.HandOff(_socket.Detach(), _buffer.AsSpan(_start, _end - _start));
                    return;
                }

                if (!await ServeAsync(app) || _listener.Draining)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException or IOException)
        {
            // The client went away, or a timeout closed the socket.
        }
        catch (Exception e)
        {
            RouterLog.FastPathFailed(_services.Logger, e);
        }
        finally
        {
            _listener.Forget(this);
            if (!handedOff)
            {
                Dispose();
            }

            _request.Dispose();
            _reply.Dispose();
            ArrayPool<byte>.Shared.Return(_buffer);
        }
    }

    /// <summary>
    /// Step 1: reads until a head (and its small body) is complete; null when the client closed first.
    /// <see cref="Http1RequestHead.ParseResult.Unsupported"/> asks for a hand-off, as does a body that does not fit.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Http1RequestHead.ParseResult?> ReadRequestAsync()
    {
        while (true)
        {
            if (_end > _start)
            {
                var result = _head.Parse(_buffer.AsSpan(_start, _end - _start), BufferSize);
                if (result == Http1RequestHead.ParseResult.Unsupported)
                {
                    return result;
                }

                if (result == Http1RequestHead.ParseResult.Ok)
                {
                    var total = _head.HeadLength + Math.Max(_head.ContentLength, 0);
                    if (total > BufferSize)
                    {
                        return Http1RequestHead.ParseResult.Unsupported;
                    }

                    if (_end - _start >= total)
                    {
                        Volatile.Write(ref _deadline, 0);
                        return result;
                    }
                }
            }

            if (_start == _end)
            {
                _start = 0;
                _end = 0;
            }
            else if (_start > 0 && BufferSize - _end < BufferSize / 4)
            {
                _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
                _end -= _start;
                _start = 0;
            }

            Idle = _start == _end;
            var timeout = Idle ? FrontServices.KeepAliveTimeout : FrontServices.RequestHeadTimeout;
            Volatile.Write(ref _deadline, Environment.TickCount64 + (long)timeout.TotalMilliseconds);
            if (_listener.Draining && Idle)
            {
                return null;
            }

            var read = await _socket.ReceiveAsync(_buffer.AsMemory(_end, BufferSize - _end));
            Idle = false;
            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }

    /// <summary>Step 2: the app for the request, or null when Kestrel's pipeline must serve it.</summary>
    private AppState? Match()
    {
        var hostBytes = _buffer.AsSpan(_start)[_head.Host];
        Span<char> host = stackalloc char[hostBytes.Length];
        Encoding.ASCII.GetChars(hostBytes, host);
        var app = _services.Routes.Compiled.MatchApp(HostMap<AppState>.HostWithoutPort(host));
        return app is { Route.Maintenance: false, Route.ForceHttps: false, Endpoints.Length: > 0 } ? app : null;
    }

    /// <summary>Steps 3 to 6 for one request; false when the connection must close afterwards.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ServeAsync(AppState app)
    {
        var started = Stopwatch.GetTimestamp();
        var logging = _services.Sink.IsEnabled(app.Name);
        var requestId = BuildRequest(logging, out var bodyLength);
        var head = _head;
        var method = logging ? head.MethodText(_buffer.AsSpan(_start)) : string.Empty;
        var target = logging ? Encoding.Latin1.GetString(_buffer, _start + head.TargetStart, head.TargetLength) : string.Empty;
        var host = logging ? Encoding.ASCII.GetString(_buffer.AsSpan(_start)[head.Host]) : string.Empty;
        var isHead = head.IsHead;
        var idempotent = head.IsIdempotent;
        var clientClose = head.Close;
        _start += head.HeadLength + (int)bodyLength;

        var outcome = default(Outcome);
        EndpointState? endpoint = null;
        ulong tried = 0;
        var failure = RouterFailure.NoWebProcess;
        var attempts = Math.Min(app.Endpoints.Length, 64);
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            endpoint = EndpointSelector.Select(app.Endpoints, tried);
            if (endpoint is null)
            {
                break;
            }

            tried |= EndpointSelector.Bit(app.Endpoints, endpoint);
            endpoint.Enter();
            try
            {
                outcome = await ExchangeAsync(endpoint, app.Timeouts, isHead, idempotent, clientClose);
            }
            finally
            {
                endpoint.Leave();
            }

            failure = RouterFailures.From(outcome.Error);
            if (outcome.Error != ForwarderError.ConnectRefused)
            {
                endpoint.MarkUp();
                break;
            }

            endpoint.MarkDown(_services.Options.EndpointRetryDelay);
            RouterLog.EndpointOutOfRotation(_services.Logger, app.Name, endpoint.Process, endpoint.Endpoint.Address, _services.Options.EndpointRetryDelay);
        }

        var keep = !clientClose && outcome.KeepClient;
        var status = outcome.Status;
        var page = false;
        if (failure != RouterFailure.None)
        {
            RouterLog.ForwardFailed(_services.Logger, app.Name, endpoint?.Process ?? "none", failure.ToString(), outcome.Exception);
            page = !outcome.ResponseStarted && failure != RouterFailure.ClientAborted;
            status = page ? RouterFailures.Status(failure) : status;
            keep = page && !clientClose;
        }

        if (logging)
        {
            var serviceMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds - outcome.ConnectMilliseconds;
            _services.Sink.Write(app.Name, RouterLine.Format(
                failure,
                method,
                target,
                HostMap<AppState>.HostWithoutPort(host),
                requestId ?? string.Empty,
                _clientAddress,
                endpoint?.Process ?? string.Empty,
                outcome.ConnectMilliseconds,
                serviceMs,
                status == 0 ? RouterFailures.Status(failure) : status,
                outcome.Bytes,
                "http"));
        }

        if (page)
        {
            await WritePageAsync(failure, isHead, keep);
        }
        else if (outcome.ReplyPending)
        {
            try
            {
                await SendAsync(_reply.Written);
            }
            catch (ClientGoneException)
            {
                keep = false;
            }
        }

        return keep;
    }

    /// <summary>Step 3: the backend request in <see cref="_request"/>; returns the request id as text when <paramref name="logging"/>.</summary>
    private string? BuildRequest(bool logging, out long bodyLength)
    {
        var head = _head;
        var data = _buffer.AsSpan(_start);
        var request = _request;
        request.Reset();
        request.Write(data[..head.RequestLineLength]);
        foreach (var line in head.Lines)
        {
            if (line.Forward)
            {
                request.Write(data.Slice(line.Start, line.Length));
            }
        }

        request.Write("X-Forwarded-For: "u8);
        if (head.ForwardedFor is { } forwardedFor)
        {
            request.Write(data[forwardedFor]);
            request.Write(", "u8);
        }

        request.Write(_clientAddressBytes);
        request.Write("\r\nX-Forwarded-Proto: http\r\nX-Forwarded-Port: "u8);
        request.Write(_localPortBytes);
        request.Write("\r\nX-Forwarded-Host: "u8);
        request.Write(data[head.Host]);
        request.Write("\r\nX-Request-Id: "u8);
        string? requestId = null;
        if (head.RequestId is { } id && IsValidRequestId(data[id]))
        {
            request.Write(data[id]);
            requestId = logging ? Encoding.ASCII.GetString(data[id]) : null;
        }
        else
        {
            Span<byte> text = stackalloc byte[36];
            var guid = RequestIds.NewId();
            guid.TryFormat(text, out _);
            request.Write(text);
            requestId = logging ? guid.ToString() : null;
        }

        request.Write("\r\nX-Request-Start: "u8);
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), digits, out var written);
        request.Write(digits[..written]);
        request.Write("\r\nVia: "u8);
        if (head.Via is { } via)
        {
            request.Write(data[via]);
            request.Write(", "u8);
        }

        request.Write("1.1 paas-router\r\n\r\n"u8);
        bodyLength = Math.Max(head.ContentLength, 0);
        request.Write(data.Slice(head.HeadLength, (int)bodyLength));
        return requestId;
    }

    private static bool IsValidRequestId(ReadOnlySpan<byte> id)
    {
        Span<char> text = stackalloc char[Math.Min(id.Length, 201)];
        Encoding.ASCII.GetChars(id[..text.Length], text);
        return id.Length <= 200 && RequestIds.IsValid(text);
    }

    /// <summary>Step 4: one endpoint, with the stale-connection retry.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Outcome> ExchangeAsync(EndpointState endpoint, ResolvedTimeouts timeouts, bool isHead, bool idempotent, bool clientClose)
    {
        var destination = _services.Pool.For(endpoint.DestinationPrefix);
        var firstByteMs = (long)timeouts.FirstByte.TotalMilliseconds;
        var idleMs = (long)timeouts.Idle.TotalMilliseconds;
        long connectMs = 0;
        for (var attempt = 0; ; attempt++)
        {
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
                    return new Outcome(ForwarderError.ConnectTimeout, connectMs, Exception: e);
                }
                catch (SocketException e)
                {
                    return new Outcome(ForwarderError.ConnectRefused, connectMs, Exception: e);
                }
            }

            connection.Begin(CancellationToken.None);
            var keep = false;
            try
            {
                connection.SetDeadline(firstByteMs, ForwarderError.FirstByteTimeout);
                try
                {
                    await connection.SendAsync(_request.Written);
                }
                catch (Exception e) when (IsSocketFailure(e))
                {
                    if (connection.Expired == ForwarderError.None && connection.Reused && idempotent && attempt == 0)
                    {
                        continue;
                    }

                    return new Outcome(connection.Expired != ForwarderError.None ? connection.Expired : ForwarderError.BackendClosed, connectMs, Exception: e);
                }

                var response = connection.Response;
                var (headError, headException, anyByte) = await ReadHeadAsync(connection, response);
                if (headError != ForwarderError.None)
                {
                    if (headError == ForwarderError.BackendClosed && !anyByte && connection.Reused && idempotent && attempt == 0)
                    {
                        continue;
                    }

                    return new Outcome(headError, connectMs, Exception: headException);
                }

                connection.SetDeadline(idleMs, ForwarderError.IdleTimeout);
                connection.InterruptClient(_socket);
                var relay = await RelayAsync(connection, response, idleMs, isHead, clientClose);
                keep = relay.Error == ForwarderError.None && relay.KeepBackend && connection.Start == connection.End
                    && !response.Close && (response.Version == 11 || response.KeepAlive) && connection.Expired == ForwarderError.None;
                return relay with { ConnectMilliseconds = connectMs, Status = response.Status };
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

    /// <summary>Reads the backend's response head, skipping 1xx interim responses.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<(ForwarderError Error, Exception? Exception, bool AnyByte)> ReadHeadAsync(BackendConnection connection, Http1ResponseHead response)
    {
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
                    return (connection.Expired != ForwarderError.None ? connection.Expired : ForwarderError.BackendClosed, null, anyByte);
                }
            }
        }
        catch (Exception e) when (IsSocketFailure(e) || e is InvalidDataException)
        {
            return (connection.Expired != ForwarderError.None ? connection.Expired : ForwarderError.BackendClosed, e, anyByte || e is InvalidDataException);
        }
    }

    /// <summary>Step 5: head and body to the client.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<Outcome> RelayAsync(BackendConnection connection, Http1ResponseHead response, long idleMs, bool isHead, bool clientClose)
    {
        var framing = isHead || response.Status is 204 or 304 ? Framing.None
            : response.Chunked ? Framing.Chunked
            : response.ContentLength >= 0 ? Framing.Length
            : Framing.UntilClose;
        var keepClient = !clientClose && framing != Framing.UntilClose;
        WriteResponseHead(connection, response, keepClient);
        long bytes = 0;
        var started = false;
        try
        {
            switch (framing)
            {
                case Framing.None:
                    return Complete(0);

                case Framing.Length:
                case Framing.UntilClose:
                    {
                        var remaining = framing == Framing.Length ? response.ContentLength : long.MaxValue;
                        var first = (int)Math.Min(remaining, connection.End - connection.Start);
                        if (first <= InlineResponseBytes)
                        {
                            _reply.Write(connection.Unread[..first]);
                            connection.Start += first;
                            remaining -= first;
                            bytes += first;
                        }

                        if (remaining == 0)
                        {
                            return Complete(bytes);
                        }

                        started = true;
                        await SendAsync(_reply.Written);
                        while (remaining > 0)
                        {
                            if (connection.Start == connection.End)
                            {
                                connection.SetDeadline(idleMs, ForwarderError.IdleTimeout);
                                if (await connection.FillAsync() == 0)
                                {
                                    return framing == Framing.UntilClose
                                        ? new Outcome(ForwarderError.None, Bytes: bytes, ResponseStarted: true)
                                        : new Outcome(Failed(connection), Bytes: bytes, ResponseStarted: true);
                                }
                            }

                            var take = (int)Math.Min(remaining, connection.End - connection.Start);
                            await SendAsync(connection.Buffer.AsMemory(connection.Start, take));
                            connection.Start += take;
                            remaining -= take;
                            bytes += take;
                        }

                        break;
                    }

                case Framing.Chunked:
                    {
                        var scanner = default(ChunkedScanner);
                        var first = scanner.Scan(connection.Unread);
                        _reply.Write(connection.Unread[..first]);
                        connection.Start += first;
                        bytes = scanner.DataBytes;
                        if (scanner.IsDone)
                        {
                            return Complete(bytes);
                        }

                        started = true;
                        await SendAsync(_reply.Written);
                        while (!scanner.IsDone)
                        {
                            connection.SetDeadline(idleMs, ForwarderError.IdleTimeout);
                            if (await connection.FillAsync() == 0)
                            {
                                return new Outcome(Failed(connection), Bytes: bytes, ResponseStarted: true);
                            }

                            var take = scanner.Scan(connection.Unread);
                            await SendAsync(connection.Buffer.AsMemory(connection.Start, take));
                            connection.Start += take;
                            bytes = scanner.DataBytes;
                        }

                        break;
                    }
            }
        }
        catch (ClientGoneException e)
        {
            return new Outcome(connection.Expired != ForwarderError.None ? connection.Expired : ForwarderError.ClientAborted, Bytes: bytes, Exception: e.InnerException, ResponseStarted: true);
        }
        catch (Exception e) when (IsSocketFailure(e))
        {
            return new Outcome(Failed(connection), Bytes: bytes, Exception: e, ResponseStarted: started);
        }
        catch (InvalidDataException e)
        {
            return new Outcome(ForwarderError.ResponseBodyFailed, Bytes: bytes, Exception: e, ResponseStarted: started);
        }
        finally
        {
            connection.InterruptClient(null);
        }

        return new Outcome(ForwarderError.None, Bytes: bytes, ResponseStarted: true, KeepClient: keepClient, KeepBackend: framing != Framing.UntilClose);

        // The whole response is in _reply: it is sent after the router line is written, as Kestrel sends a buffered
        // response after the pipeline returns, so whoever got the response finds its line in the logs.
        Outcome Complete(long body) =>
            new(ForwarderError.None, Bytes: body, ResponseStarted: true, KeepClient: keepClient, KeepBackend: true, ReplyPending: true);
    }

    /// <summary>The status line (as HTTP/1.1) and the backend's headers minus hop-by-hop ones, into <see cref="_reply"/>.</summary>
    private void WriteResponseHead(BackendConnection connection, Http1ResponseHead response, bool keepClient)
    {
        var reply = _reply;
        reply.Reset();
        var data = connection.Buffer.AsSpan(connection.Start - response.HeadLength, response.HeadLength);
        var statusLineEnd = data.IndexOf((byte)'\n');
        var statusLine = data[..statusLineEnd].TrimEnd((byte)'\r');
        reply.Write("HTTP/1.1"u8);
        reply.Write(statusLine[8..]);
        reply.Write("\r\n"u8);
        var named = response.ConnectionValue is { } connectionValue ? HopByHopHeaders.NamedInConnection(connectionValue) : null;
        for (var i = 0; i < response.Count; i++)
        {
            ref readonly var line = ref response[i];
            var name = data.Slice(line.NameStart, line.NameLength);
            if (IsHopByHopResponseHeader(name) || IsNamed(named, name))
            {
                continue;
            }

            reply.Write(name);
            reply.Write(": "u8);
            reply.Write(data.Slice(line.ValueStart, line.ValueLength));
            reply.Write("\r\n"u8);
        }

        if (!keepClient)
        {
            reply.Write("Connection: close\r\n"u8);
        }

        reply.Write("\r\n"u8);
    }

    private static bool IsNamed(List<string>? named, ReadOnlySpan<byte> name)
    {
        if (named is null)
        {
            return false;
        }

        foreach (var candidate in named)
        {
            if (Ascii.EqualsIgnoreCase(name, candidate))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Hop-by-hop response headers (RFC 9110 section 7.6.1). <c>Transfer-Encoding</c> and <c>Trailer</c> stay: a chunked
    /// body is passed through as it came, so its framing headers go with it.
    /// </summary>
    private static bool IsHopByHopResponseHeader(ReadOnlySpan<byte> name) => name.Length switch
    {
        2 => Ascii.EqualsIgnoreCase(name, "TE"u8),
        7 => Ascii.EqualsIgnoreCase(name, "Upgrade"u8),
        10 => Ascii.EqualsIgnoreCase(name, "Connection"u8) || Ascii.EqualsIgnoreCase(name, "Keep-Alive"u8),
        16 => Ascii.EqualsIgnoreCase(name, "Proxy-Connection"u8),
        18 => Ascii.EqualsIgnoreCase(name, "Proxy-Authenticate"u8),
        _ => false,
    };

    /// <summary>An error page, as <see cref="RouterPipeline"/> writes it.</summary>
    private async ValueTask WritePageAsync(RouterFailure failure, bool isHead, bool keep)
    {
        var page = ErrorPages.For(failure);
        var status = RouterFailures.Status(failure);
        var reply = _reply;
        reply.Reset();
        reply.Write("HTTP/1.1 "u8);
        reply.Write(status.ToString(System.Globalization.CultureInfo.InvariantCulture));
        reply.Write(" "u8);
        reply.Write(ReasonPhrase(status));
        reply.Write("\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\nContent-Length: "u8);
        reply.Write(page.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        reply.Write("\r\nDate: "u8);
        reply.Write(DateTimeOffset.UtcNow.ToString("r", System.Globalization.CultureInfo.InvariantCulture));
        if (failure is RouterFailure.Maintenance or RouterFailure.NoWebProcess)
        {
            reply.Write("\r\nRetry-After: 30"u8);
        }

        reply.Write(keep ? "\r\n\r\n"u8 : "\r\nConnection: close\r\n\r\n"u8);
        if (!isHead)
        {
            reply.Write(page);
        }

        try
        {
            await SendAsync(reply.Written);
        }
        catch (ClientGoneException)
        {
            // Nobody left to tell.
        }
    }

    private static string ReasonPhrase(int status) => status switch
    {
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        404 => "Not Found",
        _ => "Error",
    };

    /// <summary>Sends to the client; a failure there is the client's, told apart from the backend's by the exception type.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        try
        {
            await _socket.SendAsync(data);
        }
        catch (Exception e) when (IsSocketFailure(e))
        {
            throw new ClientGoneException(e);
        }
    }

    private static ForwarderError Failed(BackendConnection connection) =>
        connection.Expired != ForwarderError.None ? connection.Expired : ForwarderError.ResponseBodyFailed;

    private static bool IsSocketFailure(Exception e) => e is SocketException or ObjectDisposedException or IOException;

    /// <summary>How the response body is delimited (RFC 9112 section 6.3).</summary>
    private enum Framing
    {
        None,
        Length,
        Chunked,
        UntilClose,
    }

    /// <summary>What one exchange came to.</summary>
    private readonly record struct Outcome(
        ForwarderError Error,
        long ConnectMilliseconds = 0,
        long Bytes = 0,
        int Status = 0,
        Exception? Exception = null,
        bool ResponseStarted = false,
        bool KeepClient = false,
        bool KeepBackend = false,
        bool ReplyPending = false);

    /// <summary>The client side failed while the response was relayed.</summary>
    private sealed class ClientGoneException(Exception inner) : Exception("The client connection failed.", inner);
}

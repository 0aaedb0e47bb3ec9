using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Paas.Router.Forwarding;

/// <summary>
/// <see cref="IHttpForwarder"/> on <see cref="HttpMessageInvoker"/> (<see cref="SocketsHttpHandler"/>), after
/// the shape of YARP's forwarder. <see cref="Http1Forwarder"/> hands it the requests that upgrade the connection
/// (WebSockets); it can forward any request. One attempt:
/// 1. build the backend request: method, raw target, headers minus hop-by-hop, the Heroku headers, the body as a
///    streaming content (none for upgrades);
/// 2. send it and wait for response headers (connect and first-byte timeouts);
/// 3. copy status and headers minus hop-by-hop;
/// 4. stream the body (or, on 101, pump both directions of the upgraded connection) with the idle timeout;
/// 5. copy trailers.
/// </summary>
internal sealed class HttpForwarder(HttpMessageInvoker invoker, TimeSpan defaultConnectTimeout) : IHttpForwarder, IDisposable
{
    private static readonly UriCreationOptions RawUriOptions = new() { DangerousDisablePathAndQueryCanonicalization = true };

    public async ValueTask<ForwardResult> SendAsync(HttpContext context, ForwardRequest request)
    {
        var upgradeFeature = context.Features.Get<IHttpUpgradeFeature>();
        var connectFeature = context.Features.Get<IHttpExtendedConnectFeature>();
        var isWebSocketConnect = connectFeature is { IsExtendedConnect: true }
            && string.Equals(connectFeature.Protocol, "websocket", StringComparison.OrdinalIgnoreCase);
        var isUpgrade = isWebSocketConnect || upgradeFeature is { IsUpgradableRequest: true };
        using var state = new ForwardState(request.Timeouts.Connect, request.Timeouts.FirstByte, request.Timeouts.Idle, context.RequestAborted);
        using var message = CreateRequest(context, request, state, isUpgrade);
        if (isWebSocketConnect)
        {
            ToWebSocketUpgrade(message);
        }

        HttpResponseMessage response;
        try
        {
            response = await invoker.SendAsync(message, state.Timer.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return new ForwardResult(ClassifySendFailure(e, state, context), 0, 0, e);
        }

        using (response)
        {
            state.ResponseStarted();
            CopyResponseHeaders(context, response, isUpgrade && !isWebSocketConnect);
            if (isUpgrade && response.StatusCode == HttpStatusCode.SwitchingProtocols)
            {
                if (isWebSocketConnect)
                {
                    // RFC 8441: the HTTP/2 stream is accepted with 200; the HTTP/1.1 handshake headers stay on the backend hop.
                    context.Response.StatusCode = StatusCodes.Status200OK;
                    context.Response.Headers.Remove(HeaderNames.SecWebSocketAccept);
                    return await PumpUpgradedAsync(response, state, () => connectFeature!.AcceptAsync());
                }

                return await PumpUpgradedAsync(response, state, () => new ValueTask<Stream>(upgradeFeature!.UpgradeAsync()));
            }

            var result = await CopyResponseBodyAsync(context, response, state);
            if (result.Error == ForwarderError.None)
            {
                CopyTrailers(context, response);
            }

            return result;
        }
    }

    public void Dispose() => invoker.Dispose();

    private HttpRequestMessage CreateRequest(HttpContext context, ForwardRequest request, ForwardState state, bool isUpgrade)
    {
        var incoming = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        var target = rawTarget is { Length: > 0 } && rawTarget[0] == '/'
            ? rawTarget
            : incoming.PathBase.ToUriComponent() + incoming.Path.ToUriComponent() + incoming.QueryString.ToUriComponent();
        var message = new HttpRequestMessage
        {
            Method = HttpMethod.Parse(incoming.Method),
            RequestUri = new Uri(request.DestinationPrefix + target, in RawUriOptions),
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        if (request.Timeouts.Connect != defaultConnectTimeout)
        {
            message.Options.Set(ForwardState.Key, state);
        }

        if (!isUpgrade && context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: true })
        {
            message.Content = new StreamCopyContent(incoming.Body, state);
        }
        else
        {
            state.RequestBodySent();
        }

        CopyRequestHeaders(incoming.Headers, message, isUpgrade);
        AddProxyHeaders(incoming.Headers, message, request.Headers);
        return message;
    }

    private static void CopyRequestHeaders(IHeaderDictionary headers, HttpRequestMessage message, bool isUpgrade)
    {
        var named = headers.TryGetValue(HeaderNames.Connection, out var connection) ? HopByHopHeaders.NamedInConnection(connection) : null;
        foreach (var (name, value) in headers)
        {
            if (HopByHopHeaders.IsHopByHop(name) || HopByHopHeaders.Contains(named, name) || ProxyHeaders.IsRouterOwned(name))
            {
                continue;
            }

            AddHeader(message, name, value);
        }

        if (isUpgrade)
        {
            message.Headers.TryAddWithoutValidation(HeaderNames.Connection, "Upgrade");
            message.Headers.TryAddWithoutValidation(HeaderNames.Upgrade, (IEnumerable<string>)headers.Upgrade);
            message.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }
    }

    private static void AddHeader(HttpRequestMessage message, string name, StringValues value)
    {
        if (value.Count == 1)
        {
            var single = value.ToString();
            if (!message.Headers.TryAddWithoutValidation(name, single))
            {
                message.Content?.Headers.TryAddWithoutValidation(name, single);
            }

            return;
        }

        if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)value))
        {
            message.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string>)value);
        }
    }

    private static void AddProxyHeaders(IHeaderDictionary incoming, HttpRequestMessage message, in ProxyHeaders proxy)
    {
        var headers = message.Headers;
        headers.TryAddWithoutValidation(HeaderNames.Host, proxy.Host);
        headers.TryAddWithoutValidation("X-Forwarded-For", proxy.ForwardedFor);
        headers.TryAddWithoutValidation("X-Forwarded-Proto", proxy.Proto);
        headers.TryAddWithoutValidation("X-Forwarded-Port", proxy.Port);
        headers.TryAddWithoutValidation("X-Forwarded-Host", proxy.Host);
        headers.TryAddWithoutValidation("X-Request-Id", proxy.RequestId);
        headers.TryAddWithoutValidation("X-Request-Start", proxy.RequestStart);
        headers.TryAddWithoutValidation(HeaderNames.Via, proxy.ViaAfter(incoming.Via));
    }

    private static ForwarderError ClassifySendFailure(Exception e, ForwardState state, HttpContext context)
    {
        if (context.RequestAborted.IsCancellationRequested || state.ClientBodyFailed)
        {
            return ForwarderError.ClientAborted;
        }

        if (e.InnerException is TimeoutException)
        {
            return ForwarderError.ConnectTimeout;
        }

        if (e is OperationCanceledException)
        {
            return state.IdlePhase ? ForwarderError.IdleTimeout : ForwarderError.FirstByteTimeout;
        }

        if (e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } && !state.RequestBodyStarted)
        {
            return ForwarderError.ConnectRefused;
        }

        return ForwarderError.BackendClosed;
    }

    private static void CopyResponseHeaders(HttpContext context, HttpResponseMessage response, bool isUpgrade)
    {
        var outgoing = context.Response;
        outgoing.StatusCode = (int)response.StatusCode;
        var keepUpgrade = isUpgrade && response.StatusCode == HttpStatusCode.SwitchingProtocols;
        var named = response.Headers.NonValidated.TryGetValues(HeaderNames.Connection, out var connection)
            ? HopByHopHeaders.NamedInConnection(new StringValues(connection.ToArray()))
            : null;
        CopyHeaders(outgoing.Headers, response.Headers.NonValidated, named, keepUpgrade);
        CopyHeaders(outgoing.Headers, response.Content.Headers.NonValidated, named, keepUpgrade);
    }

    private static void CopyHeaders(IHeaderDictionary target, HttpHeadersNonValidated source, List<string>? named, bool keepUpgrade)
    {
        foreach (var (name, values) in source)
        {
            if ((HopByHopHeaders.IsHopByHop(name) && !(keepUpgrade && name.Equals(HeaderNames.Upgrade, StringComparison.OrdinalIgnoreCase)))
                || HopByHopHeaders.Contains(named, name))
            {
                continue;
            }

            target[name] = values.Count == 1 ? new StringValues(values.ToString()) : new StringValues(values.ToArray());
        }
    }

    private static async ValueTask<ForwardResult> CopyResponseBodyAsync(HttpContext context, HttpResponseMessage response, ForwardState state)
    {
        var writer = context.Response.BodyWriter;
        long bytes = 0;
        Stream source;
        try
        {
            source = await response.Content.ReadAsStreamAsync(state.Timer.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            return new ForwardResult(ForwarderError.ResponseBodyFailed, 0, 0, e);
        }

        while (true)
        {
            int read;
            try
            {
                var memory = writer.GetMemory(16 * 1024);
                state.Touch();
                read = await source.ReadAsync(memory, state.Timer.Token);
            }
            catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
            {
                var error = context.RequestAborted.IsCancellationRequested ? ForwarderError.ClientAborted
                    : e is OperationCanceledException ? ForwarderError.IdleTimeout
                    : ForwarderError.ResponseBodyFailed;
                return new ForwardResult(error, 0, bytes, e);
            }

            if (read == 0)
            {
                return new ForwardResult(ForwarderError.None, 0, bytes);
            }

            writer.Advance(read);
            bytes += read;
            FlushResult flush;
            try
            {
                flush = await writer.FlushAsync(context.RequestAborted);
            }
            catch (Exception e) when (e is OperationCanceledException or IOException or InvalidOperationException)
            {
                return new ForwardResult(ForwarderError.ClientAborted, 0, bytes, e);
            }

            if (flush.IsCanceled || flush.IsCompleted)
            {
                return new ForwardResult(ForwarderError.ClientAborted, 0, bytes);
            }
        }
    }

    private static void CopyTrailers(HttpContext context, HttpResponseMessage response)
    {
        if (response.TrailingHeaders.NonValidated.Count == 0 || !context.Response.SupportsTrailers())
        {
            return;
        }

        foreach (var (name, values) in response.TrailingHeaders.NonValidated)
        {
            context.Response.AppendTrailer(name, values.Count == 1 ? new StringValues(values.ToString()) : new StringValues(values.ToArray()));
        }
    }

    /// <summary>
    /// A WebSocket over HTTP/2 (extended CONNECT, RFC 8441) goes to the backend as an HTTP/1.1 upgrade
    /// (RFC 6455 section 4.1): GET with <c>Upgrade: websocket</c> and a fresh <c>Sec-WebSocket-Key</c>.
    /// </summary>
    private static void ToWebSocketUpgrade(HttpRequestMessage message)
    {
        message.Method = HttpMethod.Get;
        message.Headers.Remove(HeaderNames.Upgrade);
        message.Headers.TryAddWithoutValidation(HeaderNames.Upgrade, "websocket");
        Span<byte> key = stackalloc byte[16];
        System.Security.Cryptography.RandomNumberGenerator.Fill(key);
        message.Headers.TryAddWithoutValidation(HeaderNames.SecWebSocketKey, Convert.ToBase64String(key));
    }

    private static async ValueTask<ForwardResult> PumpUpgradedAsync(HttpResponseMessage response, ForwardState state, Func<ValueTask<Stream>> accept)
    {
        Stream backend;
        Stream client;
        try
        {
            backend = await response.Content.ReadAsStreamAsync(state.Timer.Token);
            client = await accept();
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or InvalidOperationException)
        {
            return new ForwardResult(ForwarderError.BackendClosed, 0, 0, e);
        }

        await using (backend)
        await using (client)
        {
            var toBackend = PumpAsync(client, backend, state);
            var toClient = PumpAsync(backend, client, state);
            var first = await Task.WhenAny(toBackend, toClient);
            if (!state.Timer.IsCancellationRequested)
            {
                // One side closed: let the other finish what is in flight, then both close.
                state.ExpireAfter(TimeSpan.FromSeconds(1));
            }

            var sent = await toClient;
            await toBackend;
            var error = state.IdlePhase && state.Timer.IsCancellationRequested && first.Result < 0 ? ForwarderError.IdleTimeout : ForwarderError.None;
            return new ForwardResult(error, 0, Math.Max(sent, 0));
        }
    }

    /// <summary>Copies until end of stream; returns bytes copied, or -1 - bytes when stopped by the timer or an error.</summary>
    private static async Task<long> PumpAsync(Stream source, Stream destination, ForwardState state)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        long total = 0;
        try
        {
            while (true)
            {
                var read = await source.ReadAsync(buffer, state.Timer.Token);
                if (read == 0)
                {
                    await destination.FlushAsync(state.Timer.Token);
                    TryShutdownWrite(destination);
                    return total;
                }

                state.Touch();
                await destination.WriteAsync(buffer.AsMemory(0, read), state.Timer.Token);
                await destination.FlushAsync(state.Timer.Token);
                total += read;
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
            return -1 - total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static void TryShutdownWrite(Stream stream)
    {
        if (stream is System.Net.Sockets.NetworkStream network)
        {
            try
            {
                network.Socket.Shutdown(System.Net.Sockets.SocketShutdown.Send);
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Already closed.
            }
        }
    }
}

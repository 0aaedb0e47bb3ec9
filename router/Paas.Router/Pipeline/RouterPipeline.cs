using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Paas.Router.Balancing;
using Paas.Router.Forwarding;
using Paas.Router.Hosting;
using Paas.Router.Logging;
using Paas.Router.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace Paas.Router.Pipeline;

/// <summary>
/// The router's hot path, one request at a time:
/// 1. Match: the <c>Host</c> header against the route table in force (exact host, then <c>*.</c> wildcard);
///    no app -> 404.
/// 2. Gate: maintenance -> 503 page (H80); <c>tls:enable</c> on plain HTTP -> redirect to HTTPS; an <c>Upgrade</c>
///    other than <c>websocket</c> (<c>h2c</c>, <c>SPDY/3</c>...) is ignored, as RFC 9110 section 7.8 allows: the request
///    is served as a plain HTTP/1.1 one, never tunnelled.
/// 3. Select: power-of-two-choices over least outstanding requests among the app's up endpoints; none -> 503 (H14).
/// 4. Forward: YARP's <see cref="IHttpForwarder"/> with the router's <see cref="ForwardExchange"/> (the Heroku headers,
///    the first-byte timer) and the one shared <see cref="BackendInvoker"/>; an endpoint that refuses the connection is
///    taken out of rotation and the request goes to the next one (back to 3).
/// 5. Log: one Heroku-style line to <see cref="IRouterLogSink"/>; a failure before the response started is answered
///    with a page a person understands.
/// Expected failures travel as <see cref="RouterFailure"/> values, not exceptions.
/// </summary>
internal sealed class RouterPipeline
{
    private readonly RouteTableStore _store;
    private readonly IHttpForwarder _forwarder;
    private readonly IRouterLogSink _sink;
    private readonly ILogger<RouterPipeline> _logger;
    private readonly RouterOptions _options;
    private readonly HttpMessageInvoker _invoker;

    public RouterPipeline(RouteTableStore store, IHttpForwarder forwarder, BackendInvoker backend, IRouterLogSink sink, IOptions<RouterOptions> options, ILogger<RouterPipeline> logger)
    {
        _store = store;
        _forwarder = forwarder;
        _sink = sink;
        _logger = logger;
        _options = options.Value;
        _invoker = backend.Invoker;

        // The first-byte heartbeat is process-wide; its faults go to the log of the last pipeline made (one per process in paasd).
        ForwardExchange.HeartbeatFault = e => RouterLog.HeartbeatCallbackFailed(logger, e);
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var hostHeader = context.Request.Headers.Host.ToString();

        // 1. Match
        var app = Match(hostHeader);
        if (app is null)
        {
            RouterLog.UnknownHost(_logger, hostHeader);
            await WritePageAsync(context, RouterFailure.UnknownHost);
            return;
        }

        var incomingId = context.Request.Headers["X-Request-Id"];
        var requestId = RequestIds.KeepOrCreate(incomingId.Count == 1 ? incomingId.ToString() : null);

        // 2. Gate
        if (app.Route.Maintenance)
        {
            await WritePageAsync(context, RouterFailure.Maintenance);
            WriteLine(context, app, null, requestId, RouterFailure.Maintenance, started, 0);
            return;
        }

        if (app.Route.ForceHttps && !context.Request.IsHttps)
        {
            RedirectToHttps(context, hostHeader);
            WriteLine(context, app, null, requestId, RouterFailure.None, started, 0);
            return;
        }

        IgnoreUpgradeOtherThanWebSocket(context.Request.Headers);

        // 3 + 4. Select and forward, moving on when an endpoint refuses the connection.
        var exchange = ForwardExchange.Rent(context, app, requestId, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        try
        {
            var config = IsGrpc(context.Request.ContentType) ? app.Grpc : app.Http1;
            EndpointState? endpoint = null;
            ulong tried = 0;
            var attempts = Math.Min(app.Endpoints.Length, 64);
            var failure = RouterFailure.NoWebProcess;
            Exception? exception = null;
            for (var attempt = 0; attempt < attempts; attempt++)
            {
                endpoint = EndpointSelector.Select(app.Endpoints, tried);
                if (endpoint is null)
                {
                    break;
                }

                tried |= EndpointSelector.Bit(app.Endpoints, endpoint);
                endpoint.Enter();
                ForwarderError error;
                try
                {
                    exchange.Start();
                    error = await _forwarder.SendAsync(context, endpoint.DestinationPrefix, _invoker, config, exchange, exchange.Token);
                }
                finally
                {
                    endpoint.Leave();
                }

                exception = error == ForwarderError.None ? null : context.Features.Get<IForwarderErrorFeature>()?.Exception;
                failure = RouterFailures.From(error, exception, context.RequestAborted.IsCancellationRequested, exchange.FirstByteExpired);
                if (failure != RouterFailure.BackendRefused)
                {
                    endpoint.MarkUp();
                    break;
                }

                endpoint.MarkDown(_options.EndpointRetryDelay);
                RouterLog.EndpointOutOfRotation(_logger, app.Name, endpoint.Process, endpoint.Endpoint.Address, _options.EndpointRetryDelay);
                if (attempt + 1 < attempts)
                {
                    // YARP left its 502 and error feature on the response; nothing was sent, so the next endpoint gets a clean one.
                    context.Response.StatusCode = StatusCodes.Status200OK;
                    context.Features.Set<IForwarderErrorFeature>(null);
                }
            }

            // 5. Answer failures, log.
            if (failure != RouterFailure.None)
            {
                RouterLog.ForwardFailed(_logger, app.Name, endpoint?.Process ?? "none", failure.ToString(), exception);
                if (!context.Response.HasStarted && failure != RouterFailure.ClientAborted)
                {
                    context.Response.Headers.Clear();
                    await WritePageAsync(context, failure);
                }
                else
                {
                    context.Abort();
                }
            }

            WriteLine(context, app, endpoint, requestId, failure, started, failure == RouterFailure.None || context.Response.HasStarted ? exchange.ResponseBytes : 0);
        }
        finally
        {
            exchange.Return(context);
        }
    }

    /// <summary>gRPC's content types: <c>application/grpc</c>, <c>application/grpc+proto</c>... (gRPC over HTTP/2 spec).</summary>
    private static bool IsGrpc(string? contentType) =>
        contentType is not null && contentType.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase)
        && (contentType.Length == 16 || contentType[16] is '+' or ';');

    private AppState? Match(string hostHeader) =>
        _store.Compiled.MatchApp(HostMap<AppState>.HostWithoutPort(hostHeader));

    private void RedirectToHttps(HttpContext context, string hostHeader)
    {
        var port = _options.PublicHttpsPort ?? _options.HttpsPort;
        var host = HostMap<AppState>.HostWithoutPort(hostHeader).ToString();
        var request = context.Request;
        context.Response.StatusCode = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) ? 301 : 308;
        context.Response.Headers.Location = "https://" + host + (port == 443 ? string.Empty : ":" + port.ToString(CultureInfo.InvariantCulture))
            + request.PathBase.ToUriComponent() + request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
    }

    /// <summary>
    /// Only WebSocket upgrades are forwarded (YARP also tunnels <c>SPDY/</c>); any other <c>Upgrade</c>, <c>h2c</c> above
    /// all, is removed so the request goes on as plain HTTP/1.1 and its answer is not a 101 (RFC 9110 section 7.8,
    /// RFC 9113 section 3.1: h2c upgrade is deprecated). Its <c>HTTP2-Settings</c> never leaves the router either.
    /// </summary>
    private static void IgnoreUpgradeOtherThanWebSocket(IHeaderDictionary headers)
    {
        var upgrade = headers.Upgrade;
        if (upgrade.Count > 0 && !(upgrade.Count == 1 && string.Equals(upgrade.ToString(), "websocket", StringComparison.OrdinalIgnoreCase)))
        {
            headers.Remove(HeaderNames.Upgrade);
        }
    }

    private static Task WritePageAsync(HttpContext context, RouterFailure failure)
    {
        var page = ErrorPages.For(failure);
        context.Response.StatusCode = RouterFailures.Status(failure);
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.ContentLength = page.Length;
        context.Response.Headers.CacheControl = "no-store";
        if (failure is RouterFailure.Maintenance or RouterFailure.NoWebProcess)
        {
            context.Response.Headers.RetryAfter = "30";
        }

        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : context.Response.Body.WriteAsync(page, 0, page.Length, context.RequestAborted);
    }

    private void WriteLine(HttpContext context, AppState app, EndpointState? endpoint, string requestId, RouterFailure failure, long started, long bytes)
    {
        if (!_sink.IsEnabled(app.Name))
        {
            return;
        }

        var request = context.Request;
        var serviceMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        var status = failure == RouterFailure.None || context.Response.HasStarted ? context.Response.StatusCode : RouterFailures.Status(failure);
        var fwd = context.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip) : IPAddress.None;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : request.Path.ToString() + request.QueryString.ToString();
        var line = RouterLine.Format(
            failure,
            request.Method,
            target,
            HostMap<AppState>.HostWithoutPort(request.Headers.Host.ToString()),
            requestId,
            fwd.ToString(),
            endpoint?.Process ?? string.Empty,
            0,
            serviceMs,
            status,
            bytes,
            request.IsHttps ? "https" : "http");
        _sink.Write(app.Name, line);
    }
}

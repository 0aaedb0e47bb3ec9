using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Router.Balancing;
using Paas.Router.Forwarding;
using Paas.Router.Hosting;
using Paas.Router.Logging;
using Paas.Router.Routing;

namespace Paas.Router.Pipeline;

/// <summary>
/// The router's hot path, one request at a time:
/// 1. Match: the <c>Host</c> header against the route table in force (exact host, then <c>*.</c> wildcard);
///    no app -> 404.
/// 2. Gate: maintenance -> 503 page; <c>tls:enable</c> on plain HTTP -> redirect to HTTPS.
/// 3. Select: power-of-two-choices over least outstanding requests among the app's up endpoints; none -> 503.
/// 4. Forward: through <see cref="IHttpForwarder"/> with the Heroku request headers; an endpoint that refuses
///    the connection is taken out of rotation and the request goes to the next one (back to 3).
/// 5. Log: one Heroku-style line to <see cref="IRouterLogSink"/>; a failure before the response started is
///    answered with a page a person understands.
/// Expected failures travel as <see cref="RouterFailure"/> values, not exceptions.
/// </summary>
internal sealed class RouterPipeline(
    RouteTableStore store,
    IHttpForwarder forwarder,
    IRouterLogSink sink,
    IOptions<RouterOptions> options,
    ILogger<RouterPipeline> logger)
{
    private const string ViaValue = "1.1 paas-router";
    private readonly RouterOptions _options = options.Value;
    private readonly string _hsts = "max-age=" + ((long)options.Value.HstsMaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture);
    private readonly PortStrings _ports = new();

    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        Unlimit(context);
        var startedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var hostHeader = context.Request.Headers.Host.ToString();

        // 1. Match
        var app = Match(hostHeader);
        if (app is null)
        {
            RouterLog.UnknownHost(logger, hostHeader);
            await WritePageAsync(context, RouterFailure.UnknownHost);
            return;
        }

        var incomingId = context.Request.Headers["X-Request-Id"];
        var requestId = RequestIds.KeepOrCreate(incomingId.Count == 1 ? incomingId.ToString() : null);

        // 2. Gate
        if (app.Route.Maintenance)
        {
            await WritePageAsync(context, RouterFailure.Maintenance);
            WriteLine(context, app, null, requestId, RouterFailure.Maintenance, 0, started, 0);
            return;
        }

        if (app.Route.ForceHttps && !context.Request.IsHttps)
        {
            RedirectToHttps(context, hostHeader);
            WriteLine(context, app, null, requestId, RouterFailure.None, 0, started, 0);
            return;
        }

        if (app.Route.ForceHttps)
        {
            context.Response.Headers.StrictTransportSecurity = _hsts;
        }

        // 3 + 4. Select and forward, moving on when an endpoint refuses the connection.
        var headers = ProxyHeadersFor(context, hostHeader, requestId, startedUnixMs);
        var result = new ForwardResult(ForwarderError.None, 0, 0);
        EndpointState? endpoint = null;
        ulong tried = 0;
        var attempts = Math.Min(app.Endpoints.Length, 64);
        var failure = RouterFailure.NoWebProcess;
        for (var attempt = 0; attempt < attempts; attempt++)
        {
            endpoint = Select(app, tried);
            if (endpoint is null)
            {
                break;
            }

            tried |= EndpointSelector.Bit(app.Endpoints, endpoint);
            result = await ForwardAsync(context, app, endpoint, headers);
            failure = RouterFailures.From(result.Error);
            if (result.Error != ForwarderError.ConnectRefused)
            {
                break;
            }

            endpoint.MarkDown(_options.EndpointRetryDelay);
            RouterLog.EndpointOutOfRotation(logger, app.Name, endpoint.Process, endpoint.Endpoint.Address, _options.EndpointRetryDelay);
        }

        // 5. Answer failures, log.
        if (failure != RouterFailure.None)
        {
            RouterLog.ForwardFailed(logger, app.Name, endpoint?.Process ?? "none", failure.ToString(), result.Exception);
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

        WriteLine(context, app, endpoint, requestId, failure, result.ConnectMilliseconds, started, result.ResponseBytes);
    }

    /// <summary>Bodies may be any size and pace: the idle timeout guards them, not Kestrel's 30 MB and minimum rate.</summary>
    private static void Unlimit(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = null;
        }

        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = null;
        }
    }

    private AppState? Match(string hostHeader) =>
        store.Compiled.MatchApp(HostMap<AppState>.HostWithoutPort(hostHeader));

    private void RedirectToHttps(HttpContext context, string hostHeader)
    {
        var port = _options.PublicHttpsPort ?? _options.HttpsPort;
        var host = HostMap<AppState>.HostWithoutPort(hostHeader).ToString();
        var request = context.Request;
        context.Response.StatusCode = HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) ? 301 : 308;
        context.Response.Headers.Location = "https://" + host + (port == 443 ? string.Empty : ":" + port.ToString(CultureInfo.InvariantCulture))
            + request.PathBase.ToUriComponent() + request.Path.ToUriComponent() + request.QueryString.ToUriComponent();
    }

    private static EndpointState? Select(AppState app, ulong tried) => EndpointSelector.Select(app.Endpoints, tried);

    private async ValueTask<ForwardResult> ForwardAsync(HttpContext context, AppState app, EndpointState endpoint, ProxyHeaders headers)
    {
        endpoint.Enter();
        try
        {
            var result = await forwarder.SendAsync(context, new ForwardRequest(endpoint.DestinationPrefix, app.Timeouts, headers));
            if (result.Error != ForwarderError.ConnectRefused)
            {
                endpoint.MarkUp();
            }

            return result;
        }
        finally
        {
            endpoint.Leave();
        }
    }

    private ProxyHeaders ProxyHeadersFor(HttpContext context, string hostHeader, string requestId, long startedUnixMs)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is { IsIPv4MappedToIPv6: true })
        {
            remote = remote.MapToIPv4();
        }

        var client = remote?.ToString() ?? "unknown";
        var existing = context.Request.Headers["X-Forwarded-For"];
        var forwardedFor = existing.Count == 0 ? client : string.Join(", ", existing.ToArray()) + ", " + client;
        return new ProxyHeaders(
            forwardedFor,
            context.Request.IsHttps ? "https" : "http",
            _ports.Get(context.Connection.LocalPort),
            hostHeader,
            requestId,
            startedUnixMs.ToString(CultureInfo.InvariantCulture),
            ViaValue);
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

    private void WriteLine(HttpContext context, AppState app, EndpointState? endpoint, string requestId, RouterFailure failure, long connectMs, long started, long bytes)
    {
        if (!sink.IsEnabled(app.Name))
        {
            return;
        }

        var request = context.Request;
        var serviceMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds - connectMs;
        var status = failure == RouterFailure.None || context.Response.HasStarted ? context.Response.StatusCode : RouterFailures.Status(failure);
        var fwd = context.Connection.RemoteIpAddress is { } ip ? (ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip) : IPAddress.None;
        var line = RouterLine.Format(
            failure,
            request.Method,
            request.Path.ToString() + request.QueryString.ToString(),
            HostMap<AppState>.HostWithoutPort(request.Headers.Host.ToString()),
            requestId,
            fwd.ToString(),
            endpoint?.Process ?? string.Empty,
            connectMs,
            serviceMs,
            status,
            bytes,
            request.IsHttps ? "https" : "http");
        sink.Write(app.Name, line);
    }

    /// <summary>Caches the decimal text of the few local ports the router listens on.</summary>
    private sealed class PortStrings
    {
        private volatile Tuple<int, string>? _last;

        public string Get(int port)
        {
            var last = _last;
            if (last is not null && last.Item1 == port)
            {
                return last.Item2;
            }

            var text = port.ToString(CultureInfo.InvariantCulture);
            _last = Tuple.Create(port, text);
            return text;
        }
    }
}

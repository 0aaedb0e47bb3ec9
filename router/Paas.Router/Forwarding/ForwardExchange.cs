using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Paas.Router.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace Paas.Router.Forwarding;

/// <summary>
/// The router's <see cref="HttpTransformer"/> and the state of one request's forwarding, pooled (no allocation per
/// request for it). YARP calls it around the exchange with the process:
/// 1. <see cref="TransformRequestAsync"/>: the client's headers minus <see cref="RequestHeaderRules"/>, then the Heroku
///    headers (<c>X-Forwarded-For</c> with the client address appended, <c>X-Forwarded-Proto</c>,
///    <c>X-Forwarded-Port</c>, <c>X-Request-Id</c>, <c>X-Request-Start</c> in ms since the epoch, <c>Via</c> appended,
///    RFC 9110 section 7.6.3) and the original <c>Host</c>: Heroku's set (https://devcenter.heroku.com/articles/http-routing#heroku-headers),
///    which has no <c>X-Forwarded-Host</c> since <c>Host</c> itself is the client's.
/// 2. <see cref="TransformResponseAsync"/>: stops the first-byte timer, copies the response headers as YARP does
///    (minus hop-by-hop; a <c>Content-Length</c> next to <c>Transfer-Encoding</c> is dropped, RFC 9112 section 6.1),
///    drops headers the backend named in <c>Connection</c>, adds <c>Strict-Transport-Security</c> for
///    <c>tls:enable</c> apps over HTTPS unless the app sent its own, and starts counting body bytes for the log line.
/// The first-byte timeout (H12) is this object's <see cref="Token"/>, handed to YARP: armed when forwarding starts,
/// re-armed on each read of the request body (so an upload's own length does not count), disarmed by the response head.
/// Arming writes a deadline; no timer per request: one heartbeat (every <see cref="HeartbeatMilliseconds"/>) cancels the
/// token of every exchange past its deadline, so the timeout fires up to that much late. The heartbeat is a thread of its
/// own that sleeps between sweeps, not a <see cref="Timer"/>: a timer's callback runs on the thread pool, and each one
/// woke a pool worker that then spun looking for more work (about 400 <c>sched_yield</c> calls per wake) on the core that
/// runs requests inline (<see cref="Hosting.SocketCompletions"/>): 1.8k involuntary context switches of the request
/// thread per second instead of 0.5k.
/// </summary>
internal sealed class ForwardExchange : HttpTransformer
{
    /// <summary>Period of the heartbeat that fires first-byte timeouts, in ms.</summary>
    public const int HeartbeatMilliseconds = 100;

    private static readonly ConcurrentQueue<ForwardExchange> Pool = new();
    private static readonly Lock AllGate = new();
    private static ForwardExchange[] _all = [];
    private static Thread? _heartbeat;
    private static Tuple<long, string>? _lastPort;
    private static Tuple<long, string>? _lastStart;
    private static Tuple<System.Net.IPAddress, string>? _lastClient;

    private readonly Lock _gate = new();
    private readonly TimedRequestBody _requestBody;
    private readonly CountingResponseBody _responseBody = new();
    private CancellationTokenSource _firstByte = new();
    private long _firstByteMilliseconds;
    private long _deadline;
    private AppState _app = null!;
    private string _requestId = string.Empty;
    private long _startedUnixMs;
    private long _contentLength;

    private ForwardExchange()
    {
        _requestBody = new TimedRequestBody(this);
        lock (AllGate)
        {
            // Exchanges are never dropped (the pool keeps them): the heartbeat watches them all, copy-on-write.
            _all = [.. _all, this];
            _heartbeat ??= StartHeartbeat();
        }
    }

    /// <summary>
    /// Told of an exception thrown by a callback on a cancelled first-byte token (the heartbeat goes on); the router's
    /// pipeline logs it (<c>RouterLog.HeartbeatCallbackFailed</c>). Process-wide, as the heartbeat is.
    /// </summary>
    public static Action<Exception>? HeartbeatFault { get; set; }

    /// <summary>Cancelled when no response head came within the app's first-byte timeout; hand it to YARP.</summary>
    public CancellationToken Token => _firstByte.Token;

    /// <summary>Whether the first-byte timer fired (the failure is then H12, whatever YARP reports).</summary>
    public bool FirstByteExpired => _firstByte.IsCancellationRequested;

    /// <summary>Response body bytes sent to the client (its <c>Content-Length</c>, or counted when it had none).</summary>
    public long ResponseBytes => _contentLength >= 0 ? _contentLength : _responseBody.Count;

    /// <summary>Takes an exchange for one request (return it with <see cref="Return"/>).</summary>
    public static ForwardExchange Rent(HttpContext context, AppState app, string requestId, long startedUnixMs)
    {
        if (!Pool.TryDequeue(out var exchange))
        {
            exchange = new ForwardExchange();
        }

        exchange._app = app;
        exchange._requestId = requestId;
        exchange._startedUnixMs = startedUnixMs;
        exchange._firstByteMilliseconds = (long)app.Timeouts.FirstByte.TotalMilliseconds;
        exchange._contentLength = 0;
        exchange._responseBody.Reset(null);
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>() is { CanHaveBody: true })
        {
            exchange._requestBody.Inner = context.Request.Body;
            context.Request.Body = exchange._requestBody;
        }

        return exchange;
    }

    /// <summary>Arms the first-byte timer for an attempt.</summary>
    public void Start() => Volatile.Write(ref _deadline, Environment.TickCount64 + _firstByteMilliseconds);

    /// <summary>Puts the client's own body streams back and gives the exchange back to the pool once the request is over.</summary>
    public void Return(HttpContext context)
    {
        if (_requestBody.Inner is { } requestBody)
        {
            context.Request.Body = requestBody;
        }

        if (_responseBody.Inner is { } responseBody)
        {
            context.Response.Body = responseBody;
        }

        // Under the lock the heartbeat takes to cancel: a token it cancels is seen here and never handed to the next request.
        lock (_gate)
        {
            Volatile.Write(ref _deadline, 0);
            if (_firstByte.IsCancellationRequested)
            {
                _firstByte.Dispose();
                _firstByte = new CancellationTokenSource();
            }
        }

        _app = null!;
        _requestBody.Inner = null;
        _responseBody.Reset(null);
        Pool.Enqueue(this);
    }

    public override ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        var request = httpContext.Request;
        var incoming = request.Headers;
        var named = incoming.TryGetValue(HeaderNames.Connection, out var connection) ? RequestHeaderRules.NamedInConnection(connection) : null;
        foreach (var (name, value) in incoming)
        {
            if (!RequestHeaderRules.IsDropped(name) && !RequestHeaderRules.Contains(named, name))
            {
                AddHeader(proxyRequest, name, value);
            }
        }

        var isHttp2 = HttpProtocol.IsHttp2(request.Protocol);
        if (isHttp2 && incoming.TE.Count > 0 && incoming.TE.ToString().Contains("trailers", StringComparison.OrdinalIgnoreCase))
        {
            proxyRequest.Headers.TryAddWithoutValidation(HeaderNames.TE, "trailers");
        }

        if (incoming.ContainsKey(HeaderNames.TransferEncoding))
        {
            // RFC 9112 section 6.1: a message with both is forwarded without the Content-Length.
            proxyRequest.Content?.Headers.Remove(HeaderNames.ContentLength);
        }

        var headers = proxyRequest.Headers;
        var host = incoming.Host.ToString();
        headers.TryAddWithoutValidation(HeaderNames.Host, host);
        var client = ClientAddress(httpContext);
        var forwardedFor = incoming["X-Forwarded-For"];
        headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor.Count == 0 ? client : string.Join(", ", forwardedFor.ToArray()) + ", " + client);
        headers.TryAddWithoutValidation("X-Forwarded-Proto", request.IsHttps ? "https" : "http");
        headers.TryAddWithoutValidation("X-Forwarded-Port", DecimalText(ref _lastPort, httpContext.Connection.LocalPort));
        headers.TryAddWithoutValidation("X-Request-Id", _requestId);
        headers.TryAddWithoutValidation("X-Request-Start", DecimalText(ref _lastStart, _startedUnixMs));
        var via = isHttp2 ? "2.0 paas-router" : "1.1 paas-router";
        headers.TryAddWithoutValidation(HeaderNames.Via, incoming.Via.Count == 0 ? via : incoming.Via.ToString() + ", " + via);
        if (_app.Route.Timeouts?.Connect is { } connectTimeout)
        {
            proxyRequest.Options.Set(BackendInvoker.ConnectTimeoutKey, connectTimeout);
        }

        return default;
    }

    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        Volatile.Write(ref _deadline, 0);
        if (proxyResponse is null)
        {
            return new ValueTask<bool>(false);
        }

        // YARP's own copy of the response headers completes synchronously; the rest follows it.
        var copied = base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        return copied.IsCompletedSuccessfully ? new ValueTask<bool>(AfterHeaders(httpContext, proxyResponse)) : AfterHeadersAsync(copied, httpContext, proxyResponse);
    }

    private async ValueTask<bool> AfterHeadersAsync(ValueTask<bool> copied, HttpContext httpContext, HttpResponseMessage proxyResponse)
    {
        await copied;
        return AfterHeaders(httpContext, proxyResponse);
    }

    private bool AfterHeaders(HttpContext httpContext, HttpResponseMessage proxyResponse)
    {
        var response = httpContext.Response;
        if (proxyResponse.Headers.NonValidated.TryGetValues(HeaderNames.Connection, out var connection)
            && RequestHeaderRules.NamedInConnection(new StringValues([.. connection])) is { } named)
        {
            foreach (var name in named)
            {
                response.Headers.Remove(name);
            }
        }

        if (_app.Route.ForceHttps && httpContext.Request.IsHttps && !response.Headers.ContainsKey(HeaderNames.StrictTransportSecurity))
        {
            response.Headers.StrictTransportSecurity = _app.Hsts;
        }

        if (HttpMethods.IsHead(httpContext.Request.Method) || response.StatusCode is 204 or 304)
        {
            _contentLength = 0;
        }
        else if (response.ContentLength is { } length)
        {
            _contentLength = length;
        }
        else
        {
            _contentLength = -1;
            _responseBody.Reset(response.Body);
            response.Body = _responseBody;
        }

        return true;
    }

    /// <summary>Re-arms the first-byte timer while the request body is still arriving.</summary>
    private void RequestBodyProgress()
    {
        var deadline = Volatile.Read(ref _deadline);
        if (deadline != 0)
        {
            Interlocked.CompareExchange(ref _deadline, Environment.TickCount64 + _firstByteMilliseconds, deadline);
        }
    }

    private static Thread StartHeartbeat()
    {
        var thread = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(HeartbeatMilliseconds);
                Heartbeat();
            }
        })
        {
            IsBackground = true,
            Name = "Router H12 beat", // Linux shows 15 characters
        };
        thread.Start();
        return thread;
    }

    /// <summary>Cancels the token of every exchange past its first-byte deadline.</summary>
    private static void Heartbeat()
    {
        var now = Environment.TickCount64;
        foreach (var exchange in Volatile.Read(ref _all))
        {
            var deadline = Volatile.Read(ref exchange._deadline);
            if (deadline == 0 || deadline >= now)
            {
                continue;
            }

            lock (exchange._gate)
            {
                if (Interlocked.CompareExchange(ref exchange._deadline, 0, deadline) == deadline)
                {
                    try
                    {
                        exchange._firstByte.Cancel();
                    }
                    catch (Exception e)
                    {
                        // A callback registered on the token threw (YARP's and HttpClient's do not). Unhandled here it would
                        // end the process; the token is cancelled all the same, and the next sweep goes on.
                        HeartbeatFault?.Invoke(e);
                    }
                }
            }
        }
    }

    private static void AddHeader(HttpRequestMessage request, string name, StringValues value)
    {
        if (value.Count == 1)
        {
            var single = value.ToString();
            if (!request.Headers.TryAddWithoutValidation(name, single))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, single);
            }

            return;
        }

        if (name.Equals(HeaderNames.Cookie, StringComparison.OrdinalIgnoreCase))
        {
            // HttpClient would join several Cookie values with ", "; RFC 6265 section 5.4 wants "; ".
            request.Headers.TryAddWithoutValidation(name, string.Join("; ", value.ToArray()));
            return;
        }

        if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value))
        {
            request.Content?.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)value);
        }
    }

    /// <summary>The client address as text (an IPv4-mapped IPv6 address as IPv4), remembered for the next request from the same address.</summary>
    private static string ClientAddress(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is null)
        {
            return "unknown";
        }

        var last = Volatile.Read(ref _lastClient);
        if (last is not null && last.Item1.Equals(remote))
        {
            return last.Item2;
        }

        var text = (remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote).ToString();
        Volatile.Write(ref _lastClient, Tuple.Create(remote, text));
        return text;
    }

    /// <summary>
    /// The decimal text of <paramref name="value"/>, remembered in <paramref name="last"/> for the next caller with the
    /// same value: the few local ports, and the start time shared by the requests of one millisecond.
    /// </summary>
    private static string DecimalText(ref Tuple<long, string>? last, long value)
    {
        var cached = Volatile.Read(ref last);
        if (cached is not null && cached.Item1 == value)
        {
            return cached.Item2;
        }

        var text = value.ToString(CultureInfo.InvariantCulture);
        Volatile.Write(ref last, Tuple.Create(value, text));
        return text;
    }

    /// <summary>The client's request body as YARP reads it, re-arming the first-byte timer on each read.</summary>
    private sealed class TimedRequestBody(ForwardExchange exchange) : DelegatingStream
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var read = await Inner!.ReadAsync(buffer, cancellationToken);
            exchange.RequestBodyProgress();
            return read;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }

    /// <summary>The response body as YARP writes it, counting bytes, for a response without <c>Content-Length</c>.</summary>
    private sealed class CountingResponseBody : DelegatingStream
    {
        public long Count { get; private set; }

        public void Reset(Stream? inner)
        {
            Inner = inner;
            Count = 0;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Count += buffer.Length;
            return Inner!.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();
    }
}

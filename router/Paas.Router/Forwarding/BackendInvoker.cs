using System.Net;
using System.Net.Sockets;
using Paas.Router.Hosting;

namespace Paas.Router.Forwarding;

/// <summary>
/// The one <see cref="HttpMessageInvoker"/> YARP forwards every request through, to every process: one
/// <see cref="SocketsHttpHandler"/> whose connection pools (one per <c>host:port</c>) all apps share. Set on purpose:
/// <list type="bullet">
/// <item>no proxy, redirects, cookies, decompression or trace-context headers: the router passes requests and
///   responses through, it is no browser (<c>ActivityHeadersPropagator = null</c> also saves a lookup per request);</item>
/// <item>connections kept idle <see cref="RouterOptions.BackendPoolIdleTimeout"/> and reused for at most
///   <see cref="RouterOptions.BackendConnectionLifetime"/>;</item>
/// <item>the connect timeout applied by <see cref="ConnectAsync"/>: the router default, or an app's own
///   (<see cref="ConnectTimeoutKey"/> on the request) so that H19 follows per-app settings;</item>
/// <item>several HTTP/2 connections per process when one is full (<c>EnableMultipleHttp2Connections</c>), for gRPC over
///   h2c.</item>
/// </list>
/// </summary>
internal sealed class BackendInvoker : IDisposable
{
    /// <summary>Request option carrying an app's connect timeout when it differs from the router default.</summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> ConnectTimeoutKey = new("Paas.Router.ConnectTimeout");

    public BackendInvoker(RouterOptions options)
    {
        var defaultConnectTimeout = options.ConnectTimeout;
        var handler = PassThroughHandler();
        handler.EnableMultipleHttp2Connections = true;
        handler.PooledConnectionIdleTimeout = options.BackendPoolIdleTimeout;
        handler.PooledConnectionLifetime = options.BackendConnectionLifetime;
        handler.ConnectTimeout = Timeout.InfiniteTimeSpan; // ConnectAsync applies the default or the app's own
        handler.ConnectCallback = (context, cancellationToken) => ConnectAsync(context, defaultConnectTimeout, cancellationToken);
        Invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    /// <summary>
    /// A <see cref="SocketsHttpHandler"/> that passes requests and responses through: no proxy, redirects, cookies,
    /// decompression or trace-context headers (see the class summary). The router's starts from it, and so do
    /// <c>bench/router</c>'s bare forwarder and in-memory breakdown, which must be set as the router's is.
    /// </summary>
    internal static SocketsHttpHandler PassThroughHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        ActivityHeadersPropagator = null,
    };

    /// <summary>
    /// Sends through <paramref name="invoker"/> instead: for <c>bench/router</c>'s in-memory breakdown, which registers one
    /// before <c>AddPaasRouter</c> to measure the router without sockets.
    /// </summary>
    internal BackendInvoker(HttpMessageInvoker invoker) => Invoker = invoker;

    /// <summary>The invoker to hand to YARP's <c>IHttpForwarder.SendAsync</c>.</summary>
    public HttpMessageInvoker Invoker { get; }

    public void Dispose() => Invoker.Dispose();

    /// <summary>
    /// Opens a TCP connection (<c>TCP_NODELAY</c>) within the connect timeout; past it, a <see cref="TimeoutException"/>
    /// that <c>SocketsHttpHandler</c> wraps in an <see cref="HttpRequestException"/> (H19 to the pipeline).
    /// </summary>
    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, TimeSpan defaultTimeout, CancellationToken cancellationToken)
    {
        var timeout = context.InitialRequestMessage.Options.TryGetValue(ConnectTimeoutKey, out var own) ? own : defaultTimeout;
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, deadline.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new TimeoutException($"No connection to {context.DnsEndPoint.Host}:{context.DnsEndPoint.Port} within {timeout.TotalMilliseconds} ms.");
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new NetworkStream(socket, ownsSocket: true);
    }
}

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Router.Forwarding;
using Paas.Router.Hosting;
using Paas.Router.Logging;
using Paas.Router.Routing;
using Paas.Router.Sockets;

namespace Paas.Router.Front;

/// <summary>What every fast-path connection shares: the route table, the backend connection pool, the event loops, the log sink and the options.</summary>
internal sealed class FrontServices(
    RouteTableStore routes,
    BackendPool pool,
    EventLoopGroup loops,
    IRouterLogSink sink,
    IOptions<RouterOptions> options,
    ILogger<FrontConnection> logger)
{
    /// <summary>Longest wait for the next request on an idle keep-alive connection (Kestrel's <c>KeepAliveTimeout</c> default).</summary>
    public static readonly TimeSpan KeepAliveTimeout = TimeSpan.FromSeconds(130);

    /// <summary>Longest wait for the rest of a request head and small body once it started (Kestrel's <c>RequestHeadersTimeout</c> default).</summary>
    public static readonly TimeSpan RequestHeadTimeout = TimeSpan.FromSeconds(30);

    public RouteTableStore Routes { get; } = routes;

    public BackendPool Pool { get; } = pool;

    /// <summary>The event loops client connections go on (none: the .NET socket engine).</summary>
    public EventLoopGroup Loops { get; } = loops;

    public IRouterLogSink Sink { get; } = sink;

    public RouterOptions Options { get; } = options.Value;

    public ILogger<FrontConnection> Logger { get; } = logger;
}

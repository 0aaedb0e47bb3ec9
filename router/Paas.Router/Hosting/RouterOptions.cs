namespace Paas.Router.Hosting;

/// <summary>
/// Router settings, bound from the configuration section <c>Paas:Router</c> (and the flat keys
/// <c>PAAS_HTTP_PORT</c>, <c>PAAS_HTTPS_PORT</c>, <c>PAAS_DOMAIN</c>, <c>PAAS_DATA_DIR</c> when present, which win).
/// Validated at start-up; every problem is reported at once.
/// </summary>
public sealed class RouterOptions
{
    /// <summary>The configuration section bound to these options.</summary>
    public const string SectionName = "Paas:Router";

    /// <summary>Plain HTTP port (default 8080; 0 picks a free port).</summary>
    public int HttpPort { get; set; } = 8080;

    /// <summary>HTTPS port, HTTP/1.1 and HTTP/2 (default 8443; 0 picks a free port; -1 disables HTTPS).</summary>
    public int HttpsPort { get; set; } = 8443;

    /// <summary>
    /// The port clients use for HTTPS, for <c>tls:enable</c> redirects, when it differs from <see cref="HttpsPort"/>
    /// (behind a port mapping, e.g. 443 -> 8443). Default: <see cref="HttpsPort"/>.
    /// </summary>
    public int? PublicHttpsPort { get; set; }

    /// <summary>Address to listen on: <c>*</c> (default, every IPv4 and IPv6 address) or an IP address such as <c>127.0.0.1</c>.</summary>
    public string ListenAddress { get; set; } = "*";

    /// <summary>The platform domain: app <c>APP</c> answers at <c>APP.Domain</c> (default <c>localhost</c>).</summary>
    public string Domain { get; set; } = "localhost";

    /// <summary>
    /// The platform data folder. The router keeps its certificate there:
    /// <code>
    /// DATA_DIR/router/tls/
    ///   platform.crt   PEM certificate for *.Domain and Domain (self-signed at first start; replace with a real one)
    ///   platform.key   PEM PKCS#8 private key of platform.crt
    /// </code>
    /// Default: <c>data</c> under the current directory.
    /// </summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Time to open a connection to a process (default 5 s). Per app: <c>RouteTimeouts.Connect</c>.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Time from the end of the request to the first response byte (default 30 s). Per app: <c>RouteTimeouts.FirstByte</c>.</summary>
    public TimeSpan FirstByteTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest silence on a streaming body or upgraded connection (default 55 s). Per app: <c>RouteTimeouts.Idle</c>.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(55);

    /// <summary>How long an endpoint that refused a connection stays out of rotation before it is tried again (default 5 s).</summary>
    public TimeSpan EndpointRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an idle pooled connection to a backend is kept (default 30 s).</summary>
    public TimeSpan BackendPoolIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether plain HTTP/1.1 requests are served by the router's fast path, below Kestrel's HTTP layer (default true).
    /// The fast path serves ordinary requests (a known host with a web process up, a body of known length up to
    /// 16 KiB) and hands every other connection to Kestrel's HTTP/1.1 server, which serves it like HTTPS. Off: Kestrel
    /// serves every plain-HTTP request. Only for comparison and as a way out should the fast path misbehave.
    /// </summary>
    public bool PlainHttpFastPath { get; set; } = true;

    /// <summary>
    /// Threads of the router's own event loops (epoll, Linux only), which serve the fast path's client connections and
    /// every pooled backend connection, resuming the waiting code on the loop thread as nginx's workers do instead of
    /// handing each completion to the thread pool. Default (unset): one per CPU the process may use
    /// (<see cref="Environment.ProcessorCount"/>). 0: none; the .NET socket engine serves those sockets (as elsewhere
    /// than Linux).
    /// </summary>
    public int? EventLoopThreads { get; set; }

    /// <summary><c>max-age</c> of the <c>Strict-Transport-Security</c> header sent for <c>tls:enable</c> apps (default 365 days).</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);
}

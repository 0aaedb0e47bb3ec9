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

    /// <summary>
    /// Longest silence on a streaming body or upgraded connection (default 55 s; YARP's <c>ActivityTimeout</c>). It bounds
    /// the wait for the first byte too, so the first-byte timeout in force is the smaller of the two. Per app:
    /// <c>RouteTimeouts.Idle</c>.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(55);

    /// <summary>How long an endpoint that refused a connection stays out of rotation before it is tried again (default 5 s).</summary>
    public TimeSpan EndpointRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an idle pooled connection to a backend is kept (default 30 s; <c>SocketsHttpHandler.PooledConnectionIdleTimeout</c>).</summary>
    public TimeSpan BackendPoolIdleTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a pooled connection to a backend may be reused at all (default 5 min; <c>SocketsHttpHandler.PooledConnectionLifetime</c>).
    /// Bounded so that an endpoint given as a DNS name is looked up again now and then; the idle limit is
    /// <see cref="BackendPoolIdleTimeout"/>.
    /// </summary>
    public TimeSpan BackendConnectionLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Time a client has to send a complete request head (default 60 s, as nginx's <c>client_header_timeout</c>;
    /// Kestrel <c>RequestHeadersTimeout</c>). Cuts slowloris: a client sending a header byte now and then is closed
    /// (with a 408 when it had sent part of a request).
    /// </summary>
    public TimeSpan RequestHeadersTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long an idle client connection is kept open between requests (default 90 s, as Heroku's router;
    /// Kestrel <c>KeepAliveTimeout</c>).
    /// </summary>
    public TimeSpan KeepAliveTimeout { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>
    /// Slowest request body a client may send, in bytes per second averaged after <see cref="MinRequestBodyGracePeriod"/>
    /// (default 240, Kestrel's own default; 0 turns the check off). A client below it is cut with a 408.
    /// </summary>
    public double MinRequestBodyBytesPerSecond { get; set; } = 240;

    /// <summary>Grace period before <see cref="MinRequestBodyBytesPerSecond"/> applies (default 5 s).</summary>
    public TimeSpan MinRequestBodyGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Open client connections at most, plain and TLS together (default 10,000; null: no limit). Connections past it are
    /// closed as soon as they are accepted (Kestrel <c>MaxConcurrentConnections</c>).
    /// </summary>
    public long? MaxConcurrentConnections { get; set; } = 10_000;

    /// <summary>
    /// Upgraded connections (WebSockets over HTTP/1.1) open at most (default 5,000; null: no limit); an upgrade past it
    /// is refused (Kestrel <c>MaxConcurrentUpgradedConnections</c>).
    /// </summary>
    public long? MaxConcurrentUpgradedConnections { get; set; } = 5_000;

    /// <summary>
    /// Size of a request head, request line excluded, at most (default 32 KiB, Kestrel's default; more is answered 431,
    /// RFC 6585 section 5).
    /// </summary>
    public int MaxRequestHeadersTotalSize { get; set; } = 32 * 1024;

    /// <summary>Request header fields at most (default 100; more is answered 431).</summary>
    public int MaxRequestHeaderCount { get; set; } = 100;

    /// <summary>Length of the request line at most (default 8 KiB, as Heroku's router; more is answered 414).</summary>
    public int MaxRequestLineSize { get; set; } = 8 * 1024;

    /// <summary>
    /// Request body size at most, in bytes (default null: no limit, as Heroku's router; an app limits its own uploads).
    /// A larger body is answered 413.
    /// </summary>
    public long? MaxRequestBodySize { get; set; }

    /// <summary><c>max-age</c> of the <c>Strict-Transport-Security</c> header sent for <c>tls:enable</c> apps (default 365 days).</summary>
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);
}

namespace Paas.Router.Routing;

/// <summary>
/// The route of one app: which host names reach it and which web processes serve it.
/// </summary>
/// <param name="App">The app name. <c>APP.PAAS_DOMAIN</c> always routes to the app; it need not be listed in
/// <paramref name="Hosts"/>.</param>
/// <param name="Hosts">The app's custom domains: exact names (<c>www.example.com</c>) or one-level wildcards
/// (<c>*.example.com</c> matches <c>a.example.com</c>, not <c>example.com</c> nor <c>a.b.example.com</c>).
/// Compared case-insensitively; an exact name wins over a wildcard.</param>
/// <param name="Endpoints">The up web processes (from the scheduler). Empty means the app answers 503 (H14).</param>
public sealed record AppRoute(string App, IReadOnlyList<string> Hosts, IReadOnlyList<RouteEndpoint> Endpoints)
{
    /// <summary>Maintenance mode (<c>paas maintenance:on</c>): every request answers 503 with a maintenance page (H80).</summary>
    public bool Maintenance { get; init; }

    /// <summary>
    /// <c>paas tls:enable</c>: plain HTTP requests are redirected to HTTPS (301 for GET/HEAD, 308 otherwise)
    /// and HTTPS responses carry <c>Strict-Transport-Security</c>.
    /// </summary>
    public bool ForceHttps { get; init; }

    /// <summary>
    /// gRPC to the app over HTTP/2 without TLS (h2c with prior knowledge, RFC 9113 section 3.3): requests whose
    /// <c>Content-Type</c> is <c>application/grpc</c> (or <c>application/grpc+...</c>) go to the process as HTTP/2, so
    /// streaming and trailers work end to end; every other request stays HTTP/1.1. Off by default: the platform's
    /// processes speak HTTP/1.1, and without this gRPC goes to them as HTTP/1.1 (which gRPC servers refuse).
    /// </summary>
    public bool GrpcOverH2c { get; init; }

    /// <summary>Per-app timeouts; a null value (or a null record) takes the router default from <c>RouterOptions</c>.</summary>
    public RouteTimeouts? Timeouts { get; init; }
}

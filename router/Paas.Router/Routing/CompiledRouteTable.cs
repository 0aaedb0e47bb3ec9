using System.Globalization;
using System.Net.Security;
using Paas.Router.Balancing;
using Paas.Router.Hosting;

namespace Paas.Router.Routing;

/// <summary>
/// A <see cref="RouteTable"/> turned into lookup structures: host -> app, SNI name -> certificate.
/// Immutable once built; <see cref="RouteTableStore"/> swaps whole instances so a request sees one consistent table.
/// </summary>
internal sealed class CompiledRouteTable
{
    private readonly HostMap<AppState> _apps;
    private readonly HostMap<SslStreamCertificateContext> _certificates;

    private CompiledRouteTable(RouteTable source, HostMap<AppState> apps, HostMap<SslStreamCertificateContext> certificates)
    {
        Source = source;
        _apps = apps;
        _certificates = certificates;
    }

    public RouteTable Source { get; }

    public static CompiledRouteTable Empty { get; } = new(RouteTable.Empty, new HostMap<AppState>(), new HostMap<SslStreamCertificateContext>());

    /// <summary>The app a host name (without port) routes to, or null.</summary>
    public AppState? MatchApp(ReadOnlySpan<char> host) => _apps.Match(host);

    /// <summary>The uploaded certificate for an SNI name, or null.</summary>
    public SslStreamCertificateContext? MatchCertificate(ReadOnlySpan<char> serverName) => _certificates.Match(serverName);

    /// <summary>
    /// Builds the lookup structures. Endpoint state (outstanding requests, out-of-rotation time) is carried over
    /// from <paramref name="endpoints"/> for endpoints that stay, so a table swap does not reset load balancing.
    /// </summary>
    public static CompiledRouteTable Compile(
        RouteTable table,
        RouterOptions options,
        Dictionary<string, EndpointState> endpoints,
        Func<RouteCertificate, SslStreamCertificateContext?> loadCertificate)
    {
        var apps = new HostMap<AppState>();
        var hsts = "max-age=" + ((long)options.HstsMaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var liveEndpoints = new Dictionary<string, EndpointState>(StringComparer.Ordinal);
        foreach (var route in table.Apps)
        {
            var states = new EndpointState[route.Endpoints.Count];
            for (var i = 0; i < states.Length; i++)
            {
                var endpoint = route.Endpoints[i];
                var key = endpoint.Address + "|" + endpoint.Process;
                if (!liveEndpoints.TryGetValue(key, out var state))
                {
                    state = endpoints.TryGetValue(key, out var previous) ? previous : new EndpointState(endpoint);
                    liveEndpoints[key] = state;
                }

                states[i] = state;
            }

            var timeouts = new ResolvedTimeouts(
                route.Timeouts?.Connect ?? options.ConnectTimeout,
                route.Timeouts?.FirstByte ?? options.FirstByteTimeout,
                route.Timeouts?.Idle ?? options.IdleTimeout);
            var app = new AppState(route, states, timeouts, hsts);
            apps.TryAdd(route.App + "." + options.Domain, app);
            foreach (var host in route.Hosts)
            {
                apps.TryAdd(host, app);
            }
        }

        endpoints.Clear();
        foreach (var (key, state) in liveEndpoints)
        {
            endpoints[key] = state;
        }

        var certificates = new HostMap<SslStreamCertificateContext>();
        foreach (var certificate in table.Certificates)
        {
            var loaded = loadCertificate(certificate);
            if (loaded is null)
            {
                continue;
            }

            foreach (var domain in certificate.Domains)
            {
                certificates.TryAdd(domain, loaded);
            }
        }

        return new CompiledRouteTable(table, apps, certificates);
    }
}

using System.Text;
using Paas.Data;
using Paas.Router.Routing;

namespace Paas.Server;

/// <summary>
/// Keeps the router's table in step with the platform: every <see cref="Interval"/> it reads apps, custom domains,
/// certificates and router settings from the controller's stores and the up web processes from the
/// <see cref="IRouteEndpointSource"/>, and swaps the table when anything changed (the router applies a swap without
/// dropping connections), so changes take effect within a second.
/// </summary>
internal sealed partial class RouteFeed(
    AppStore apps,
    RoutingStore routing,
    IRouteEndpointSource endpoints,
    RouteTableStore table,
    ILogger<RouteFeed> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(500);

    private string _lastFingerprint = "";

    /// <summary>Rebuilds the table now; returns whether it changed.</summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        var all = await apps.ListAllAsync(cancellationToken).ConfigureAwait(false);
        var domains = (await routing.ListDomainsAsync(null, cancellationToken).ConfigureAwait(false)).ToLookup(d => d.App);
        var settings = await routing.ListSettingsAsync(cancellationToken).ConfigureAwait(false);
        var certificates = await routing.ListCertificatesAsync(cancellationToken).ConfigureAwait(false);

        var routes = all.Select(app =>
        {
            var s = settings.GetValueOrDefault(app.Name) ?? new AppSettings(false, false);
            return new AppRoute(app.Name, [.. domains[app.Name].Select(d => d.Domain)], endpoints.EndpointsOf(app.Name))
            {
                Maintenance = s.Maintenance,
                ForceHttps = s.HttpsEnforced,
            };
        }).ToList();
        var certs = certificates.Where(c => c.Domains.Count > 0).Select(c => new RouteCertificate(c.Name, c.CertificatePem, c.KeyPem, c.Domains)).ToList();

        var fingerprint = Fingerprint(routes, certs);
        if (fingerprint == _lastFingerprint)
        {
            return false;
        }

        table.Update(new RouteTable(routes, certs));
        _lastFingerprint = fingerprint;
        LogUpdated(logger, routes.Count, certs.Count);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            try
            {
                await RefreshAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or TimeoutException)
            {
                LogFailed(logger, e); // keep the last table: the router goes on serving it
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    private static string Fingerprint(List<AppRoute> routes, List<RouteCertificate> certs)
    {
        var b = new StringBuilder();
        foreach (var r in routes)
        {
            b.Append(r.App).Append('|').AppendJoin(',', r.Hosts).Append('|').AppendJoin(',', r.Endpoints.Select(e => e.Address + "=" + e.Process))
                .Append('|').Append(r.Maintenance).Append(r.ForceHttps).Append('\n');
        }

        foreach (var c in certs)
        {
            b.Append(c.Name).Append('|').Append(c.CertificatePem.GetHashCode(StringComparison.Ordinal)).Append('|').AppendJoin(',', c.Domains).Append('\n');
        }

        return b.ToString();
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Debug, Message = "Route table updated: {Apps} apps, {Certificates} certificates")]
    private static partial void LogUpdated(ILogger logger, int apps, int certificates);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Could not refresh the route table; the router keeps the previous one")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

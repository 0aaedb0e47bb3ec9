using System.Net.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Router.Balancing;
using Paas.Router.Hosting;
using Paas.Router.Logging;
using Paas.Router.Tls;

namespace Paas.Router.Routing;

/// <summary>
/// Holds the route table in force. The platform feeds it by calling <see cref="Update"/> whenever apps,
/// domains, certificates, maintenance flags, timeouts or endpoints change; the new table applies to the next
/// request at once. Requests already in flight finish on the table they started with, and open connections
/// (keep-alive, WebSockets) are not dropped. Thread-safe; registered as a singleton by <c>AddPaasRouter</c>.
/// </summary>
public sealed class RouteTableStore
{
    private readonly Lock _gate = new();
    private readonly RouterOptions _options;
    private readonly ILogger<RouteTableStore> _logger;
    private readonly Dictionary<string, EndpointState> _endpoints = new(StringComparer.Ordinal);
    private Dictionary<string, SslStreamCertificateContext> _certificateCache = new(StringComparer.Ordinal);
    private volatile CompiledRouteTable _compiled = CompiledRouteTable.Empty;

    /// <summary>Creates an empty store (every host answers 404 until the first <see cref="Update"/>).</summary>
    /// <param name="options">The router options (the platform domain and default timeouts).</param>
    /// <param name="logger">Where rejected certificates are reported.</param>
    public RouteTableStore(IOptions<RouterOptions> options, ILogger<RouteTableStore> logger)
    {
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>The table in force.</summary>
    public RouteTable Current => _compiled.Source;

    /// <summary>Raised after a new table is in force (on the thread that called <see cref="Update"/>).</summary>
    public event Action<RouteTable>? Changed;

    internal CompiledRouteTable Compiled => _compiled;

    /// <summary>
    /// Puts <paramref name="table"/> in force, replacing the previous table atomically. Certificates that do not
    /// parse are skipped and logged (validate them on upload with <see cref="CertificateValidator"/>).
    /// </summary>
    /// <param name="table">The complete new table (not a delta).</param>
    /// <exception cref="ArgumentNullException">When <paramref name="table"/> is null.</exception>
    public void Update(RouteTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        lock (_gate)
        {
            var cache = new Dictionary<string, SslStreamCertificateContext>(StringComparer.Ordinal);
            _compiled = CompiledRouteTable.Compile(table, _options, _endpoints, certificate => LoadCertificate(certificate, cache));
            _certificateCache = cache;
        }

        RouterLog.RouteTableUpdated(_logger, table.Apps.Count, table.Certificates.Count);
        Changed?.Invoke(table);
    }

    private SslStreamCertificateContext? LoadCertificate(RouteCertificate certificate, Dictionary<string, SslStreamCertificateContext> cache)
    {
        var key = certificate.CertificatePem + "\n" + certificate.KeyPem;
        if (cache.TryGetValue(key, out var context) || _certificateCache.TryGetValue(key, out context))
        {
            cache[key] = context;
            return context;
        }

        try
        {
            context = PemCertificates.CreateContext(certificate.CertificatePem, certificate.KeyPem);
            cache[key] = context;
            return context;
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            RouterLog.CertificateRejected(_logger, certificate.Name, e.Message);
            return null;
        }
    }
}

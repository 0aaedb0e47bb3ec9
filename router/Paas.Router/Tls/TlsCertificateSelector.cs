using System.Net.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Router.Hosting;
using Paas.Router.Routing;

namespace Paas.Router.Tls;

/// <summary>
/// Picks the certificate per TLS connection from the SNI name: an uploaded certificate attached to the exact
/// name, else one attached to the matching <c>*.</c> wildcard, else the platform certificate. Reads the route
/// table in force, so a newly attached certificate serves the next handshake.
/// </summary>
internal sealed class TlsCertificateSelector(RouteTableStore store, IOptions<RouterOptions> options, ILogger<TlsCertificateSelector> logger)
{
    private readonly Lazy<SslStreamCertificateContext> _platform = new(
        () => PlatformCertificate.LoadOrCreate(options.Value.DataDirectory, options.Value.Domain, logger));

    /// <summary>The platform certificate (made on first use when missing).</summary>
    public SslStreamCertificateContext Platform => _platform.Value;

    public SslStreamCertificateContext Select(string? serverName) =>
        string.IsNullOrEmpty(serverName) ? Platform : store.Compiled.MatchCertificate(serverName) ?? Platform;
}

using System.Net;
using System.Net.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Paas.Router.Tls;

namespace Paas.Router.Hosting;

/// <summary>Attaches the router's listeners to Kestrel.</summary>
public static class RouterKestrelExtensions
{
    /// <summary>
    /// Adds the router's two listeners to Kestrel: <see cref="RouterOptions.HttpPort"/> (HTTP/1.1) and
    /// <see cref="RouterOptions.HttpsPort"/> (HTTP/1.1 and HTTP/2 over TLS by ALPN, certificate chosen per connection by
    /// SNI; the platform certificate is made in the data folder now if missing), and sets Kestrel's limits from the
    /// router options (<see cref="ApplyLimits"/>). Connections accepted there are marked as router connections;
    /// <see cref="RouterApplicationBuilderExtensions.UsePaasRouter"/> serves them. The host may listen on other ports for
    /// other things (the limits are Kestrel's, so they apply to those too: paasd gives the router a host of its own).
    /// Call from <c>ConfigureKestrel</c>, after <see cref="RouterServiceCollectionExtensions.AddPaasRouter"/>.
    /// </summary>
    /// <param name="kestrel">Kestrel's options (its <c>ApplicationServices</c> must be set, as inside <c>ConfigureKestrel</c>).</param>
    /// <returns><paramref name="kestrel"/>.</returns>
    /// <exception cref="OptionsValidationException">When the router options are invalid.</exception>
    public static KestrelServerOptions ListenPaasRouter(this KestrelServerOptions kestrel)
    {
        var services = kestrel.ApplicationServices;
        var options = services.GetRequiredService<IOptions<RouterOptions>>().Value;
        var selector = services.GetRequiredService<TlsCertificateSelector>();
        _ = selector.Platform;
        ApplyLimits(kestrel.Limits, options);

        Listen(kestrel, options.ListenAddress, options.HttpPort, listen =>
        {
            // HTTP/1.1 only: no HTTP/2 with prior knowledge and no h2c upgrade on plain HTTP (RFC 9113 section 3.1).
            listen.Protocols = HttpProtocols.Http1;
            listen.Use(MarkConnection);
        });

        if (options.HttpsPort >= 0)
        {
            Listen(kestrel, options.ListenAddress, options.HttpsPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.Use(MarkConnection);
                listen.UseHttps(new TlsHandshakeCallbackOptions
                {
                    OnConnection = context => ValueTask.FromResult(new SslServerAuthenticationOptions
                    {
                        ServerCertificateContext = selector.Select(context.ClientHelloInfo.ServerName),
                        ApplicationProtocols = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11],
                    }),
                });
            });
        }

        return kestrel;
    }

    /// <summary>
    /// Kestrel's limits as the router wants them, each from <see cref="RouterOptions"/>: request head timeout (slowloris),
    /// keep-alive timeout, minimum request body rate, concurrent and upgraded connection caps, request line, header and
    /// body sizes. HTTP/2 keeps Kestrel's defaults (100 streams per connection, 16 KiB frames).
    /// </summary>
    private static void ApplyLimits(KestrelServerLimits limits, RouterOptions options)
    {
        limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
        limits.KeepAliveTimeout = options.KeepAliveTimeout;
        limits.MinRequestBodyDataRate = options.MinRequestBodyBytesPerSecond > 0
            ? new MinDataRate(options.MinRequestBodyBytesPerSecond, options.MinRequestBodyGracePeriod)
            : null;
        limits.MaxConcurrentConnections = options.MaxConcurrentConnections;
        limits.MaxConcurrentUpgradedConnections = options.MaxConcurrentUpgradedConnections;
        limits.MaxRequestHeadersTotalSize = options.MaxRequestHeadersTotalSize;
        limits.MaxRequestHeaderCount = options.MaxRequestHeaderCount;
        limits.MaxRequestLineSize = options.MaxRequestLineSize;
        limits.MaxRequestBufferSize = Math.Max(limits.MaxRequestBufferSize ?? 0, options.MaxRequestLineSize + options.MaxRequestHeadersTotalSize);
        limits.MaxRequestBodySize = options.MaxRequestBodySize;
    }

    private static Microsoft.AspNetCore.Connections.ConnectionDelegate MarkConnection(Microsoft.AspNetCore.Connections.ConnectionDelegate next) =>
        context =>
        {
            context.Items[RouterConnection.Key] = RouterConnection.Key;
            return next(context);
        };

    private static void Listen(KestrelServerOptions kestrel, string address, int port, Action<ListenOptions> configure)
    {
        if (address == "*")
        {
            kestrel.ListenAnyIP(port, configure);
        }
        else
        {
            kestrel.Listen(IPAddress.Parse(address), port, configure);
        }
    }
}

using System.Net;
using System.Net.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Paas.Router.Front;
using Paas.Router.Tls;

namespace Paas.Router.Hosting;

/// <summary>Attaches the router's listeners to Kestrel.</summary>
public static class RouterKestrelExtensions
{
    /// <summary>
    /// Adds the router's two listeners to Kestrel: <see cref="RouterOptions.HttpPort"/> (HTTP/1.1, served by the
    /// router's fast path unless <see cref="RouterOptions.PlainHttpFastPath"/> is off) and
    /// <see cref="RouterOptions.HttpsPort"/> (HTTP/1.1 and HTTP/2 over TLS, certificate chosen per connection by
    /// SNI; the platform certificate is made in the data folder now if missing). Connections accepted there are
    /// marked as router connections; <see cref="RouterApplicationBuilderExtensions.UsePaasRouter"/> serves them.
    /// The host may listen on other ports for other things. Call from <c>ConfigureKestrel</c>, after
    /// <see cref="RouterServiceCollectionExtensions.AddPaasRouter"/>.
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

        Action<ListenOptions> plain = listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listen.Use(MarkConnection);
        };
        if (options.PlainHttpFastPath)
        {
            // The fast path's own transport accepts the connections and hands the unusual ones to Kestrel.
            var address = options.ListenAddress == "*" ? IPAddress.IPv6Any : IPAddress.Parse(options.ListenAddress);
            kestrel.Listen(new RouterHttpEndPoint(new IPEndPoint(address, options.HttpPort)), plain);
        }
        else
        {
            Listen(kestrel, options.ListenAddress, options.HttpPort, plain);
        }

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

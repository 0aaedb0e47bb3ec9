using System.Globalization;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Router.Forwarding;
using Paas.Router.Logging;
using Paas.Router.Pipeline;
using Paas.Router.Routing;
using Paas.Router.Tls;

namespace Paas.Router.Hosting;

/// <summary>Registers the router's services.</summary>
public static class RouterServiceCollectionExtensions
{
    /// <summary>
    /// Adds the router: <see cref="RouterOptions"/> (bound from <c>Paas:Router</c> and the flat keys
    /// <c>PAAS_HTTP_PORT</c>, <c>PAAS_HTTPS_PORT</c>, <c>PAAS_DOMAIN</c>, <c>PAAS_DATA_DIR</c>; validated on start),
    /// the <see cref="RouteTableStore"/> the platform feeds, YARP's forwarder (<c>AddHttpForwarder</c>) with the one
    /// <c>SocketsHttpHandler</c> the router sends through, and a default <see cref="IRouterLogSink"/> writing
    /// to <c>ILogger</c>. When the process completes socket operations inline (<see cref="SocketCompletions"/>), Kestrel's
    /// socket transport runs requests inline too (<see cref="SocketCompletions.ApplyTo"/>): a host that serves more than
    /// the router on the same Kestrel must not block in its handlers then. Every registration is a <c>TryAdd</c>: register
    /// your own <see cref="IRouterLogSink"/> (before or after) to send router lines to the app logs. Then attach the router to Kestrel with
    /// <see cref="RouterKestrelExtensions.ListenPaasRouter"/> and to the request pipeline with
    /// <see cref="RouterApplicationBuilderExtensions.UsePaasRouter"/>.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration root, or null for the defaults.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddPaasRouter(this IServiceCollection services, IConfiguration? configuration = null)
    {
        var options = services.AddOptions<RouterOptions>();
        if (configuration is not null)
        {
            options.Bind(configuration.GetSection(RouterOptions.SectionName));
            options.PostConfigure(o => ApplyFlatKeys(o, configuration));
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RouterOptions>, RouterOptionsValidator>());
        services.AddLogging();
        services.TryAddSingleton<RouteTableStore>();
        services.TryAddSingleton<IRouterLogSink, LoggerRouterLogSink>();
        services.AddHttpForwarder();

        // YARP's forwarder logs every request at Information ("Proxying to ...") and every failure with its stack trace,
        // a client's malformed chunk included. The router says the same once per request, in its own words: the router
        // line in the app's logs, and RouterLog.ForwardFailed (event 7104, Debug, with the exception).
        services.Configure<LoggerFilterOptions>(o => o.AddFilter("Yarp.ReverseProxy.Forwarder", LogLevel.Error));
        services.TryAddSingleton(sp => new BackendInvoker(sp.GetRequiredService<IOptions<RouterOptions>>().Value));
        services.TryAddSingleton<RouterPipeline>();
        services.TryAddSingleton<TlsCertificateSelector>();
        services.Configure<SocketTransportOptions>(SocketCompletions.ApplyTo);
        return services;
    }

    private static void ApplyFlatKeys(RouterOptions options, IConfiguration configuration)
    {
        if (int.TryParse(configuration["PAAS_HTTP_PORT"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var http))
        {
            options.HttpPort = http;
        }

        if (int.TryParse(configuration["PAAS_HTTPS_PORT"], NumberStyles.Integer, CultureInfo.InvariantCulture, out var https))
        {
            options.HttpsPort = https;
        }

        if (configuration["PAAS_DOMAIN"] is { Length: > 0 } domain)
        {
            options.Domain = domain;
        }

        if (configuration["PAAS_DATA_DIR"] is { Length: > 0 } dataDirectory)
        {
            options.DataDirectory = dataDirectory;
        }
    }
}

using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Paas.Client;
using Paas.Data;
using Paas.Ldap;
using Paas.Scheduling;

namespace Paas.Controller;

/// <summary>Registers and maps the controller: the <c>/v2</c> API, its auth, the data layer and the deploy pipeline.</summary>
public static class ControllerExtensions
{
    /// <summary>
    /// Registers the controller's services: <see cref="PaasOptions"/> bound from the <c>Paas</c> section and validated at
    /// start-up, the database (SQLite or PostgreSQL per <see cref="PaasOptions.Database"/>) migrated before requests are served,
    /// token authentication, directory (LDAP/AD) sign-in per <see cref="LdapOptions"/> (section <c>Paas:Ldap</c>), problem details and OpenAPI.
    /// It registers no <see cref="IScheduler"/>: the host must (the local runtime, Kubernetes), else resolving the controller's
    /// services fails at start with "Unable to resolve service for type 'Paas.Scheduling.IScheduler'".
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration holding the <c>Paas</c> section.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddPaasController(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PaasOptions>().Bind(configuration.GetSection(PaasOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PaasOptions>, PaasOptionsValidator>());
        services.AddPaasData(
            sp =>
            {
                var options = sp.GetRequiredService<IOptions<PaasOptions>>().Value;
                return new PaasDatabase(options.Database, options.DataDir);
            },
            sp => new SecretKeyRing(sp.GetRequiredService<IOptions<PaasOptions>>().Value.SecretKeysPath));
        services.AddHostedService<DatabaseMigrationService>();
        services.AddHostedService<ReconciliationService>(); // after the migrations: hosted services start in order
        // ASP.NET's data protection (pulled in by authentication) keeps its keys in the data folder, not in ~/.aspnet.
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<PaasOptions>>((keys, options) =>
            keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(Path.Combine(options.Value.DataDir, "keys")), NullLoggerFactory.Instance));
        services.AddOptions<LdapOptions>().Bind(configuration.GetSection(LdapOptions.Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LdapOptions>, LdapOptionsValidator>());
        services.TryAddSingleton<IUserDirectory, LdapDirectory>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DirectoryAccounts>();
        services.TryAddSingleton<TokenUsers>();
        services.AddHostedService<DirectorySyncService>();
        services.TryAddSingleton<IAppRegistryLogins, StoredAppRegistryLogins>();
        services.TryAddSingleton<PasswordHashing>();
        services.TryAddSingleton<LoginThrottle>();
        services.TryAddSingleton<AppAccess>();
        services.TryAddSingleton<DomainClaims>();
        services.TryAddSingleton<DeploymentSpecs>();
        services.TryAddSingleton<IRoutePropagation, NoRoutePropagation>();
        services.TryAddSingleton<ReleaseService>();

        services.AddAuthentication(TokenAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, TokenAuthenticationHandler>(TokenAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.ConfigureHttpJsonOptions(o => PaasJson.Configure(o.SerializerOptions));
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<PaasOptions>>((forwarded, paas) =>
        {
            // Only X-Forwarded-For, and only from PAAS_TRUSTED_PROXIES: none by default (not even loopback, ASP.NET Core's
            // default). With no known proxy at all the middleware would trust every peer, so then it reads no header.
            var networks = paas.Value.TrustedProxyNetworks();
            forwarded.ForwardedHeaders = networks.Count > 0 ? ForwardedHeaders.XForwardedFor : ForwardedHeaders.None;
            forwarded.ForwardLimit = null; // walk back through every trusted proxy of a chain (load balancer, then ingress)
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var network in networks)
            {
                forwarded.KnownIPNetworks.Add(network);
            }
        });
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        services.AddOpenApi("v1", o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "paas controller API";
            document.Info.Description = "The /v2 API of the platform: apps, config, builds, releases, formation, permissions. Authenticate with 'Authorization: token <api token>'.";
            return Task.CompletedTask;
        }));
        return services;
    }

    /// <summary>
    /// Adds the controller's middleware and routes to <paramref name="app"/>: the client's address from <c>X-Forwarded-For</c>
    /// of a trusted proxy (<see cref="PaasOptions.TrustedProxies"/>), problem details for errors and unknown routes,
    /// authentication, <c>/openapi/v1.json</c> and every <c>/v2</c> route. The host maps <c>/healthz</c> and <c>/readyz</c>
    /// (the controller's readiness is its health checks: the database answers).
    /// </summary>
    /// <param name="app">The web application serving the controller's port.</param>
    /// <returns><paramref name="app"/>.</returns>
    public static WebApplication UsePaasController(this WebApplication app)
    {
        app.UseForwardedHeaders(); // the client's address behind PAAS_TRUSTED_PROXIES, for the sign-in throttle
        app.UseExceptionHandler();
        app.UseWebSockets(); // paas run with input: GET /v2/apps/{app}/run/attach
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapPaasControllerApi();
        return app;
    }

    /// <summary>Maps every <c>/v2</c> route of the controller.</summary>
    /// <param name="endpoints">The route builder.</param>
    /// <returns><paramref name="endpoints"/>.</returns>
    public static IEndpointRouteBuilder MapPaasControllerApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAuthApi();
        endpoints.MapAppsApi();
        endpoints.MapConfigApi();
        endpoints.MapBuildsApi();
        endpoints.MapRegistryLoginsApi();
        endpoints.MapReleasesApi();
        endpoints.MapFormationApi();
        endpoints.MapLimitsApi();
        endpoints.MapHealthChecksApi();
        endpoints.MapAutoscaleApi();
        endpoints.MapPermsApi();
        endpoints.MapUsersApi();
        endpoints.MapTeamsApi();
        endpoints.MapDomainsApi();
        endpoints.MapDomainReservationsApi();
        endpoints.MapCertsApi();
        endpoints.MapLogsApi();
        endpoints.MapRunApi();
        return endpoints;
    }
}

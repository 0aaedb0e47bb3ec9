using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Paas.Builder;
using Paas.Controller;
using Paas.Data;
using Paas.Kubernetes;
using Paas.Kubernetes.Images;
using Paas.Registry;
using Paas.Registry.Auth;
using Paas.Router.Hosting;
using Paas.Scheduling;
using Paas.Scheduling.Local;

namespace Paas.Server;

/// <summary>
/// The platform in one process: the controller (API and git on <see cref="PaasOptions.ApiPort"/>) and, as their issues
/// land, the registry, router and scheduler, each on its own Kestrel listener. Tests build it with ports 0 and a temporary
/// data folder; <c>paasd</c> builds it from its configuration.
/// </summary>
public sealed class PaasPlatform : IAsyncDisposable
{
    private readonly WebApplication _controller;
    private readonly WebApplication? _registry;
    private readonly WebApplication? _router;

    private PaasPlatform(WebApplication controller, WebApplication? registry, WebApplication? router)
    {
        _controller = controller;
        _registry = registry;
        _router = router;
    }

    /// <summary>The router's base URLs once started: the HTTP one first, then HTTPS (e.g. <c>http://127.0.0.1:8080</c>, <c>https://127.0.0.1:8443</c>).</summary>
    public IReadOnlyList<string> RouterUrls =>
        _router?.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.OrderBy(a => a.StartsWith("https", StringComparison.Ordinal)).ToList()
        ?? throw new InvalidOperationException("the platform was not built");

    /// <summary>The router's services (its route table store), or null when the platform was not built.</summary>
    public IServiceProvider? RouterServices => _router?.Services;

    /// <summary>The controller's services (for tests: stores, the scheduler).</summary>
    public IServiceProvider Services => _controller.Services;

    /// <summary>The controller API's base URL once started, e.g. <c>http://127.0.0.1:7000</c> (loopback when it listens on every address).</summary>
    public string ApiUrl => Address(_controller);

    /// <summary>The registry's services (its garbage collector, storage driver), or null when the platform was not built.</summary>
    public IServiceProvider? RegistryServices => _registry?.Services;

    /// <summary>The integrated registry's base URL once started, e.g. <c>http://127.0.0.1:5000</c> (loopback when it listens on every address).</summary>
    public string RegistryUrl => Address(_registry ?? throw new InvalidOperationException("the platform was not built"));

    /// <summary>
    /// Builds the platform. Configuration is layered: defaults, <c>appsettings.json</c>, <c>PAAS_*</c> environment variables
    /// (see <see cref="PaasEnvironment"/>), <paramref name="settings"/>, then command-line arguments.
    /// </summary>
    /// <param name="args">Command-line arguments (<c>--Paas:ApiPort=7001</c>).</param>
    /// <param name="settings">Settings that override the environment (tests use them), by configuration key.</param>
    /// <param name="configureServices">Registers replacements before the parts register themselves (they use TryAdd).</param>
    /// <returns>The platform and the configuration errors found (nothing may be started when there are any).</returns>
    public static (PaasPlatform Platform, IReadOnlyList<string> Errors) Create(
        string[] args,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ApplicationName = "paasd", ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddJsonFile("appsettings.json", optional: true);
        builder.Configuration.AddPaasEnvironment();
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Configuration.AddCommandLine(args);
        var errors = new List<string>(PaasEnvironment.TakeUnreadable(builder.Configuration));

        configureServices?.Invoke(builder.Services);
        builder.Services.AddSingleton(sp => new ServiceCredential(sp.GetRequiredService<IOptions<PaasOptions>>().Value.DataDir));
        builder.Services.AddSingleton(sp => new AppPullCredentials(sp.GetRequiredService<ServiceCredential>()));
        if (string.Equals(builder.Configuration["Paas:Scheduler"], "kubernetes", StringComparison.Ordinal))
        {
            AddKubernetes(builder);
            if (string.IsNullOrWhiteSpace(builder.Configuration["Builder:StackImage"]))
            {
                errors.Add("PAAS_SCHEDULER=kubernetes needs PAAS_STACK_IMAGE: a build must be an image a cluster can run (the stack's layers, the slug and the launcher); build the stack with `export PAAS_STACK_IMAGE=$(stack/build.sh)`");
            }
        }

        builder.Services.AddLocalProcessRuntime(_ => { }); // the embedded default scheduler; tests replace IScheduler before this
        builder.Services.AddOptions<LocalRuntimeOptions>().Configure<IOptions<PaasOptions>, ServiceCredential>((runtime, paas, service) =>
        {
            runtime.DataDirectory = paas.Value.DataDir;
            runtime.RegistryUsername = ServiceCredential.Username;
            runtime.RegistryPassword = service.Secret;
        });
        builder.Services.AddPaasController(builder.Configuration);
        var registryApp = new WebApplication?[1]; // the builder pushes to the registry built below (its port may be chosen at start)
        builder.Services.AddSingleton<IBuildEventSink>(sp => new AppLogBuildEvents(sp.GetRequiredService<Paas.Scheduling.Logs.IAppLogStore>()));
        builder.Services.AddPaasBuilder(builder.Configuration);
        builder.Services.AddOptions<BuilderOptions>().Configure<IOptions<PaasOptions>, ServiceCredential>((builderOptions, paas, service) =>
        {
            builderOptions.DataDir = paas.Value.DataDir;
            builderOptions.RegistryUrl = () => Address(registryApp[0] ?? throw new InvalidOperationException("the registry is not running"));
            builderOptions.RegistryUsername = ServiceCredential.Username;
            builderOptions.RegistryPassword = () => service.Secret;
        });
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            PaasOptions options;
            try
            {
                options = kestrel.ApplicationServices.GetRequiredService<IOptions<PaasOptions>>().Value;
            }
            catch (OptionsValidationException)
            {
                return; // reported below with every other error; the platform is not started
            }

            kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.ApiPort);
        });

        var controller = builder.Build();
        var kubernetesValid = controller.Services.GetService<IOptions<KubernetesOptions>>() is null || OptionsAreValid<KubernetesOptions>(controller.Services, errors);
        if (!OptionsAreValid<PaasOptions>(controller.Services, errors) | !OptionsAreValid<Paas.Ldap.LdapOptions>(controller.Services, errors) | !kubernetesValid
            | !OptionsAreValid<BuilderOptions>(controller.Services, errors) || errors.Count > 0)
        {
            return (new PaasPlatform(controller, null, null), errors);
        }

        controller.UsePaasController();
        controller.MapBuilderApi();
        var registry = BuildRegistry(args, builder.Configuration, controller.Services, errors);
        registryApp[0] = registry;
        var router = BuildRouter(args, builder.Configuration, controller.Services, errors);
        return (new PaasPlatform(controller, registry, router), errors);
    }

    /// <summary>
    /// Migrates the database and starts listening on every part's port; then, when a stack is configured
    /// (<c>PAAS_STACK_IMAGE</c>), imports it into the registry as <c>paas/stack</c> (blobs already there are skipped).
    /// </summary>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>A task that completes once the platform serves requests.</returns>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await _controller.StartAsync(cancellationToken).ConfigureAwait(false);
        if (_registry is not null)
        {
            await _registry.StartAsync(cancellationToken).ConfigureAwait(false);
            await _controller.Services.GetRequiredService<StackImporter>().ImportAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_router is not null)
        {
            await _router.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the process is asked to stop (Ctrl+C, SIGTERM).</summary>
    /// <returns>A task that completes on shutdown.</returns>
    public Task WaitForShutdownAsync() => _controller.WaitForShutdownAsync();

    /// <summary>Stops every part, letting requests in flight finish.</summary>
    /// <param name="cancellationToken">Ends the graceful wait early.</param>
    /// <returns>A task.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_router is not null)
        {
            await _router.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        if (_registry is not null)
        {
            await _registry.StopAsync(cancellationToken).ConfigureAwait(false);
        }

        await _controller.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_router is not null)
        {
            await _router.DisposeAsync().ConfigureAwait(false);
        }

        if (_registry is not null)
        {
            await _registry.DisposeAsync().ConfigureAwait(false);
        }

        await _controller.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// The Kubernetes scheduler (<c>PAAS_SCHEDULER=kubernetes</c>), settings from <c>Paas:Kubernetes</c>; it reads image configs
    /// from the platform's registry as the service, and gives each app's pods a pull-only credential for its repository.
    /// </summary>
    private static void AddKubernetes(WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Paas:Kubernetes");
        builder.Services.AddKubernetesScheduler(options => section.Bind(options));
        builder.Services.AddSingleton<IAppPullCredentials>(sp => sp.GetRequiredService<AppPullCredentials>());
        builder.Services.AddSingleton<IImageInspector>(sp =>
        {
            var service = sp.GetRequiredService<ServiceCredential>();
            return new RegistryImageInspector(sp.GetRequiredService<IOptions<KubernetesOptions>>().Value.LauncherPath, ServiceCredential.Username, () => service.Secret);
        });
    }

    /// <summary>
    /// The integrated registry on its own port (it owns <c>/v2/</c> there), sharing the controller's users, apps and
    /// permissions for sign-in and access (see <see cref="PlatformRegistryCredentials"/>, <see cref="PlatformRegistryAccessPolicy"/>).
    /// </summary>
    private static WebApplication? BuildRegistry(string[] args, IConfiguration configuration, IServiceProvider controllerServices, List<string> errors)
    {
        var options = controllerServices.GetRequiredService<IOptions<PaasOptions>>().Value;
        var builder = CreatePartBuilder(args, "paasd-registry", configuration);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Registry:DataDirectory"] = options.DataDir });
        builder.Services.AddSingleton(controllerServices.GetRequiredService<UserStore>());
        builder.Services.AddSingleton(controllerServices.GetRequiredService<TokenUsers>());
        builder.Services.AddSingleton(controllerServices.GetRequiredService<AppStore>());
        builder.Services.AddSingleton(controllerServices.GetRequiredService<PermissionStore>());
        builder.Services.AddSingleton(controllerServices.GetRequiredService<ServiceCredential>());
        builder.Services.AddSingleton(controllerServices.GetRequiredService<AppPullCredentials>());
        builder.Services.AddSingleton<IRegistryCredentialValidator, PlatformRegistryCredentials>();
        builder.Services.AddSingleton<IRegistryAccessPolicy, PlatformRegistryAccessPolicy>();
        builder.Services.AddPaasRegistry(builder.Configuration);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null; // blob uploads stream to disk; manifests are limited by the registry
            kestrel.Listen(IPAddress.Parse(options.ListenAddress), options.RegistryPort);
        });
        var registry = BuildValidated<RegistryOptions>(builder, errors);
        registry?.MapRegistryApi();
        return registry;
    }

    /// <summary>
    /// The router on the HTTP and HTTPS ports, fed by <see cref="RouteFeed"/> from the controller's stores and the
    /// scheduler's endpoints (<see cref="IRouteEndpointSource"/>).
    /// </summary>
    private static WebApplication? BuildRouter(string[] args, IConfiguration configuration, IServiceProvider controllerServices, List<string> errors)
    {
        var options = controllerServices.GetRequiredService<IOptions<PaasOptions>>().Value;
        var builder = CreatePartBuilder(args, "paasd-router", configuration);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // The router reads these flat keys first; the platform's options are the one source of truth.
            ["PAAS_HTTP_PORT"] = options.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PAAS_HTTPS_PORT"] = options.HttpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PAAS_DOMAIN"] = options.Domain,
            ["PAAS_DATA_DIR"] = options.DataDir,
            ["Paas:Router:ListenAddress"] = options.ListenAddress,
        });
        builder.Services.AddSingleton(controllerServices.GetRequiredService<AppStore>());
        builder.Services.AddSingleton(controllerServices.GetRequiredService<RoutingStore>());
        builder.Services.AddSingleton(controllerServices.GetService<IRouteEndpointSource>() ?? new SchedulerEndpoints(controllerServices.GetRequiredService<Paas.Scheduling.IEndpointFeed>()));
        if (controllerServices.GetService<Paas.Scheduling.Logs.IAppLogStore>() is { } logs)
        {
            builder.Services.AddSingleton<Paas.Router.Logging.IRouterLogSink>(new AppLogRouterSink(logs));
        }

        builder.Services.AddPaasRouter(builder.Configuration);
        builder.Services.AddHostedService<RouteFeed>();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenPaasRouter());
        var router = BuildValidated<RouterOptions>(builder, errors);
        router?.UsePaasRouter();
        return router;
    }

    /// <summary>A part's own web application, reading the platform's configuration, with paasd's folder as content root.</summary>
    private static WebApplicationBuilder CreatePartBuilder(string[] args, string name, IConfiguration configuration)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ApplicationName = name, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddConfiguration(configuration);
        return builder;
    }

    /// <summary>Resolves a part's options, adding every validation failure to <paramref name="errors"/>; false when there was any.</summary>
    private static bool OptionsAreValid<TOptions>(IServiceProvider services, List<string> errors)
        where TOptions : class
    {
        try
        {
            _ = services.GetRequiredService<IOptions<TOptions>>().Value;
            return true;
        }
        catch (OptionsValidationException e)
        {
            errors.AddRange(e.Failures);
            return false;
        }
    }

    /// <summary>
    /// Builds a part and checks its options; building itself may resolve them (Kestrel listeners), so both are guarded.
    /// Returns null, with every failure added to <paramref name="errors"/>, when they are not valid.
    /// </summary>
    private static WebApplication? BuildValidated<TOptions>(WebApplicationBuilder builder, List<string> errors)
        where TOptions : class
    {
        WebApplication app;
        try
        {
            app = builder.Build();
        }
        catch (OptionsValidationException e)
        {
            errors.AddRange(e.Failures);
            return null;
        }

        return OptionsAreValid<TOptions>(app.Services, errors) ? app : null;
    }

    /// <summary>
    /// A part's first Kestrel address as this process calls it (the builder pushes to the registry, the stack is imported
    /// into it): a wildcard listen address (<c>PAAS_LISTEN_ADDRESS=0.0.0.0</c>, as in the platform image) is no host a client
    /// can connect to, so it becomes loopback, <c>http://0.0.0.0:5000</c> → <c>http://127.0.0.1:5000</c>.
    /// </summary>
    private static string Address(WebApplication app) =>
        (app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("the platform has not started"))
        .Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal)
        .Replace("://[::]:", "://[::1]:", StringComparison.Ordinal);
}

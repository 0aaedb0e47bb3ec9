using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Paas.Builder;
using Paas.Controller;
using Paas.Data;
using Paas.Kubernetes;
using Paas.Kubernetes.Images;
using Paas.Registry;
using Paas.Registry.Auth;
using Paas.Router.Feed;
using Paas.Router.Hosting;
using Paas.Scheduling;
using Paas.Scheduling.Local;
using Paas.Server.Internal;
using Yarp.ReverseProxy.Forwarder;

namespace Paas.Server;

/// <summary>
/// The platform's parts in one process, as chosen by <see cref="PlatformRoles"/> (<c>paasd --role</c>, <c>PAAS_ROLE</c>):
/// by default all of them (the controller with the builder on <see cref="PaasOptions.ApiPort"/>, the registry and the
/// router, each on its own Kestrel listener), or any subset that reaches the other parts by URL (<see cref="RoleOptions"/>).
/// Parts only use contracts between each other, the same in one process and across processes: the registry asks the
/// controller who may do what (<see cref="IRegistryCredentialValidator"/>, <see cref="IRegistryAccessPolicy"/>), the
/// router follows the controller's route stream (<see cref="IRouteChangeSource"/>), the builder calls the controller's
/// API. Tests build it with ports 0 and a temporary data folder; <c>paasd</c> builds it from its configuration.
/// </summary>
public sealed class PaasPlatform : IAsyncDisposable
{
    private readonly WebApplication? _controller;
    private readonly WebApplication? _internal;
    private readonly WebApplication? _builder;
    private readonly WebApplication? _registry;
    private readonly WebApplication? _router;
    private readonly WebApplication? _registryProxy;
    private readonly WebApplication? _health;
    private readonly RoleOptions _roleOptions;

    private PaasPlatform(PlatformRoles roles, RoleOptions roleOptions, WebApplication? controller, WebApplication? @internal = null, WebApplication? builder = null,
        WebApplication? registry = null, WebApplication? router = null, WebApplication? registryProxy = null, WebApplication? health = null)
    {
        Roles = roles;
        _roleOptions = roleOptions;
        _controller = controller;
        _internal = @internal;
        _builder = builder;
        _registry = registry;
        _router = router;
        _registryProxy = registryProxy;
        _health = health;
    }

    /// <summary>The roles this process runs.</summary>
    public PlatformRoles Roles { get; }

    /// <summary>The configured fixed ports, each with the variable that sets it (<c>7000</c> → <c>PAAS_API_PORT</c>), for messages about a port that is taken.</summary>
    public IReadOnlyDictionary<int, string> PortVariables { get; private init; } = new Dictionary<int, string>();

    /// <summary>The router's base URLs once started: the HTTP one first, then HTTPS (e.g. <c>http://127.0.0.1:8080</c>, <c>https://127.0.0.1:8443</c>).</summary>
    public IReadOnlyList<string> RouterUrls =>
        _router?.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.OrderBy(a => a.StartsWith("https", StringComparison.Ordinal)).ToList()
        ?? throw new InvalidOperationException("this process runs no router");

    /// <summary>The router's services (its route table store), or null when this process runs no router.</summary>
    public IServiceProvider? RouterServices => _router?.Services;

    /// <summary>The controller's services (for tests: stores, the scheduler); the builder's when this process runs the builder alone.</summary>
    /// <exception cref="InvalidOperationException">This process runs neither.</exception>
    public IServiceProvider Services => (_controller ?? _builder)?.Services ?? throw new InvalidOperationException("this process runs no controller");

    /// <summary>The controller API's base URL once started, e.g. <c>http://127.0.0.1:7000</c> (loopback when it listens on every address).</summary>
    public string ApiUrl => Address(_controller ?? throw new InvalidOperationException("this process runs no controller"));

    /// <summary>The controller's internal contracts' base URL once started (only when another process runs a part), e.g. <c>http://127.0.0.1:7001</c>.</summary>
    public string InternalUrl => Address(_internal ?? throw new InvalidOperationException("this process serves no internal contracts"));

    /// <summary>The builder's base URL once started, when it runs without the controller, e.g. <c>http://127.0.0.1:7100</c>.</summary>
    public string BuilderUrl => Address(_builder ?? throw new InvalidOperationException("this process runs no builder of its own"));

    /// <summary>The registry's services (its garbage collector, storage driver), or null when this process runs no registry.</summary>
    public IServiceProvider? RegistryServices => _registry?.Services;

    /// <summary>The integrated registry's base URL once started, e.g. <c>http://127.0.0.1:5000</c>.</summary>
    public string RegistryUrl => Address(_registry ?? throw new InvalidOperationException("this process runs no registry"));

    /// <summary>The registry proxy's base URL once started, e.g. <c>http://127.0.0.1:5555</c>.</summary>
    public string RegistryProxyUrl => Address(_registryProxy ?? throw new InvalidOperationException("this process runs no registry proxy"));

    /// <summary>The health port's base URL once started (<c>PAAS_HEALTH_PORT</c>), e.g. <c>http://127.0.0.1:8086</c>.</summary>
    public string HealthUrl => Address(_health ?? throw new InvalidOperationException("PAAS_HEALTH_PORT is not set"));

    private IEnumerable<WebApplication> Parts => new[] { _controller, _internal, _builder, _registry, _router, _registryProxy, _health }.OfType<WebApplication>();

    /// <summary>
    /// Builds the parts of <see cref="RoleOptions.Role"/>. Configuration is layered: defaults, <c>appsettings.json</c>,
    /// <c>PAAS_*</c> environment variables (see <see cref="PaasEnvironment"/>), <paramref name="settings"/>, then command-line
    /// arguments (<c>--role controller,router</c>, <c>--Paas:ApiPort=7001</c>).
    /// </summary>
    /// <param name="args">Command-line arguments.</param>
    /// <param name="settings">Settings that override the environment (tests use them), by configuration key.</param>
    /// <param name="configureServices">Registers replacements in the controller's (or the lone builder's) services before the parts register themselves (they use TryAdd).</param>
    /// <returns>The platform and the configuration errors found (nothing may be started when there are any).</returns>
    public static (PaasPlatform Platform, IReadOnlyList<string> Errors) Create(
        string[] args,
        IReadOnlyDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var configuration = new ConfigurationManager();
        configuration.SetBasePath(AppContext.BaseDirectory);
        configuration.AddJsonFile("appsettings.json", optional: true);
        configuration.AddPaasEnvironment();
        if (settings is not null)
        {
            configuration.AddInMemoryCollection(settings);
        }

        configuration.AddCommandLine(args, new Dictionary<string, string> { ["--role"] = "Paas:Roles:Role" });
        var errors = new List<string>(PaasEnvironment.TakeUnreadable(configuration));
        var roleOptions = configuration.GetSection(RoleOptions.Section).Get<RoleOptions>() ?? new RoleOptions();
        if (!PlatformRoleNames.TryParse(roleOptions.Role, out var roles, out var roleError))
        {
            errors.Add(roleError!);
            return (new PaasPlatform(PlatformRoles.None, roleOptions, null), errors);
        }

        var missing = MissingUrls(roles, roleOptions).ToList();
        if (missing.Count > 0)
        {
            errors.AddRange(missing);
            return (new PaasPlatform(roles, roleOptions, null), errors);
        }

        var paasOptions = new PaasOptions();
        configuration.GetSection(PaasOptions.Section).Bind(paasOptions);
        var service = new Lazy<ServiceCredential>(() => new ServiceCredential(paasOptions.DataDir, roleOptions.ServiceTokenFile));
        var health = new PlatformHealth();
        var registryApp = new WebApplication?[1]; // the builder pushes to the registry built later (its port may be chosen at start)
        Func<string> registryUrl = roles.HasFlag(PlatformRoles.Registry)
            ? () => Address(registryApp[0] ?? throw new InvalidOperationException("the registry is not running"))
            : () => roleOptions.RegistryUrl!;

        WebApplication? controller = null, @internal = null, builder = null;
        if (roles.HasFlag(PlatformRoles.Controller))
        {
            controller = BuildController(args, configuration, roles, roleOptions, service, health, registryUrl, configureServices, errors);
            if (controller is null)
            {
                return (new PaasPlatform(roles, roleOptions, null), errors);
            }

            if (roles != PlatformRoles.All)
            {
                @internal = BuildInternal(args, configuration, controller.Services, roleOptions, health, errors);
            }
        }
        else if (roles.HasFlag(PlatformRoles.Builder))
        {
            builder = BuildBuilder(args, configuration, paasOptions, roleOptions, service, health, registryUrl, configureServices, errors);
        }

        var registry = roles.HasFlag(PlatformRoles.Registry) ? BuildRegistry(args, configuration, paasOptions, controller?.Services, roleOptions, service, health, errors) : null;
        registryApp[0] = registry;
        var router = roles.HasFlag(PlatformRoles.Router) ? BuildRouter(args, configuration, paasOptions, controller?.Services, roleOptions, service, health, errors) : null;
        var proxy = roles.HasFlag(PlatformRoles.RegistryProxy) ? BuildRegistryProxy(args, configuration, paasOptions, roleOptions, health, registryUrl, errors) : null;
        var healthApp = roleOptions.HealthPort > 0 ? BuildHealth(args, configuration, paasOptions, roleOptions, health, errors) : null;
        var started = new PaasPlatform(roles, roleOptions, controller, @internal, builder, registry, router, proxy, healthApp)
        {
            PortVariables = new (int, string)[]
            {
                (paasOptions.ApiPort, "PAAS_API_PORT"), (paasOptions.HttpPort, "PAAS_HTTP_PORT"), (paasOptions.HttpsPort, "PAAS_HTTPS_PORT"),
                (paasOptions.RegistryPort, "PAAS_REGISTRY_PORT"), (roleOptions.InternalPort, "PAAS_INTERNAL_PORT"), (roleOptions.BuilderPort, "PAAS_BUILDER_PORT"),
                (roleOptions.RegistryProxyPort, "PAAS_REGISTRY_PROXY_PORT"), (roleOptions.HealthPort, "PAAS_HEALTH_PORT"),
            }.Where(p => p.Item1 > 0).GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => string.Join(" or ", g.Select(p => p.Item2))),
        };
        return (started, errors);
    }

    /// <summary>
    /// Starts listening on every part's port (the controller first: its hosted services migrate the database before it
    /// serves); then, in the process that runs the builder, imports the stack (<c>PAAS_STACK_IMAGE</c>) into the registry as
    /// <c>paas/stack</c> (blobs already there are skipped), waiting up to two minutes for a registry in another process.
    /// </summary>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>A task that completes once the platform serves requests.</returns>
    /// <exception cref="HttpRequestException">The registry did not take the stack.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        foreach (var part in Parts)
        {
            await part.StartAsync(cancellationToken).ConfigureAwait(false);
        }

        var builderServices = Roles.HasFlag(PlatformRoles.Builder) ? (_controller ?? _builder)?.Services : null;
        if (builderServices is not null)
        {
            await ImportStackAsync(builderServices.GetRequiredService<StackImporter>(), waitForRegistry: !Roles.HasFlag(PlatformRoles.Registry), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One line per listening part, for paasd's start-up message: <c>controller API on http://...</c>.</summary>
    /// <returns>The lines.</returns>
    public IEnumerable<string> Describe()
    {
        if (_controller is not null)
        {
            yield return $"controller API{(Roles.HasFlag(PlatformRoles.Builder) ? " and git" : "")} on {ApiUrl}";
        }

        if (_internal is not null)
        {
            yield return $"controller internal contracts on {InternalUrl}";
        }

        if (_builder is not null)
        {
            yield return $"builder on {BuilderUrl}";
        }

        if (_registry is not null)
        {
            yield return $"registry on {RegistryUrl}";
        }

        if (_router is not null)
        {
            yield return $"router on {string.Join(", ", RouterUrls)}";
        }

        if (_registryProxy is not null)
        {
            yield return $"registry proxy on {RegistryProxyUrl} for {_roleOptions.RegistryUrl}";
        }

        if (_health is not null)
        {
            yield return $"health checks on {HealthUrl}/healthz and /readyz";
        }
    }

    /// <summary>Waits until the process is asked to stop (Ctrl+C, SIGTERM).</summary>
    /// <returns>A task that completes on shutdown.</returns>
    public Task WaitForShutdownAsync() => Parts.First().WaitForShutdownAsync();

    /// <summary>Stops every part, letting requests in flight finish: the router and the proxies first, the controller last.</summary>
    /// <param name="cancellationToken">Ends the graceful wait early.</param>
    /// <returns>A task.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        foreach (var part in Parts.Reverse())
        {
            await part.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var part in Parts.Reverse())
        {
            await part.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The warning for inline socket completions (<see cref="SocketCompletions"/>) in a process running the controller,
    /// builder or registry, which block in some socket continuations (database, git, files) and would stall every other
    /// connection of that event loop; null when the process runs only the router and registry proxy, or completions are
    /// not inline.
    /// </summary>
    /// <param name="roles">The roles this process runs.</param>
    /// <param name="inline">Whether socket completions are inline (<see cref="SocketCompletions.Inline"/>).</param>
    /// <returns>The warning, without a prefix, or null.</returns>
    public static string? SocketCompletionsWarning(PlatformRoles roles, bool inline)
    {
        var blocking = roles & (PlatformRoles.Controller | PlatformRoles.Builder | PlatformRoles.Registry);
        return inline && blocking != PlatformRoles.None
            ? $"{SocketCompletions.EnvironmentVariable}=1 runs socket continuations on the socket engine's threads, and the {PlatformRoleNames.Format(blocking).Replace(",", ", ", StringComparison.Ordinal)} "
                + "block in some (database, git, files), stalling other connections: set it only for a paasd running the router alone (PAAS_ROLE=router), as the chart does"
            : null;
    }

    /// <summary>The URLs a split platform needs for the parts this process does not run, as one error each.</summary>
    private static IEnumerable<string> MissingUrls(PlatformRoles roles, RoleOptions options)
    {
        var controller = roles.HasFlag(PlatformRoles.Controller);
        if (roles.HasFlag(PlatformRoles.Builder) && !controller && string.IsNullOrWhiteSpace(options.ControllerUrl))
        {
            yield return "the builder without the controller needs PAAS_CONTROLLER_URL (the controller's API, e.g. http://paas-controller:7000)";
        }

        if ((roles.HasFlag(PlatformRoles.Registry) || roles.HasFlag(PlatformRoles.Router) || roles.HasFlag(PlatformRoles.Builder)) && !controller
            && string.IsNullOrWhiteSpace(options.ControllerInternalUrl))
        {
            yield return "the registry, router or builder without the controller needs PAAS_CONTROLLER_INTERNAL_URL (the controller's internal port, e.g. http://paas-controller:7001)";
        }

        if (controller && !roles.HasFlag(PlatformRoles.Builder) && string.IsNullOrWhiteSpace(options.BuilderUrl))
        {
            yield return "the controller without the builder needs PAAS_BUILDER_URL (where git pushes are forwarded, e.g. http://paas-builder:7100)";
        }

        if ((roles.HasFlag(PlatformRoles.Builder) || roles.HasFlag(PlatformRoles.RegistryProxy) || controller) && !roles.HasFlag(PlatformRoles.Registry) && string.IsNullOrWhiteSpace(options.RegistryUrl))
        {
            yield return "the controller, builder or registry proxy without the registry needs PAAS_REGISTRY_URL (e.g. http://paas-registry:5000)";
        }

        foreach (var (variable, url) in new[] { ("PAAS_CONTROLLER_URL", options.ControllerUrl), ("PAAS_CONTROLLER_INTERNAL_URL", options.ControllerInternalUrl), ("PAAS_BUILDER_URL", options.BuilderUrl), ("PAAS_REGISTRY_URL", options.RegistryUrl) })
        {
            if (!string.IsNullOrWhiteSpace(url) && !(Uri.TryCreate(url, UriKind.Absolute, out var parsed) && parsed.Scheme is "http" or "https"))
            {
                yield return $"{variable} '{url}' is not an http:// or https:// URL";
            }
        }
    }

    /// <summary>
    /// The controller on the API port: the <c>/v2</c> API, the database and the scheduler; with the builder in this
    /// process, git smart HTTP and builds on the same port; without it, git requests forwarded to <c>PAAS_BUILDER_URL</c>.
    /// </summary>
    private static WebApplication? BuildController(string[] args, IConfiguration configuration, PlatformRoles roles, RoleOptions roleOptions, Lazy<ServiceCredential> service,
        PlatformHealth health, Func<string> registryUrl, Action<IServiceCollection>? configureServices, List<string> errors)
    {
        var builder = CreatePartBuilder(args, "paasd", configuration);
        configureServices?.Invoke(builder.Services);
        builder.Services.AddSingleton(_ => service.Value);
        builder.Services.AddSingleton(sp => new AppPullCredentials(sp.GetRequiredService<ServiceCredential>()));
        builder.Services.AddSingleton<IRegistryCredentialValidator, PlatformRegistryCredentials>();
        builder.Services.AddSingleton<IRegistryAccessPolicy, PlatformRegistryAccessPolicy>();
        var scheduler = configuration["Paas:Scheduler"];
        if (string.Equals(scheduler, "kubernetes", StringComparison.Ordinal))
        {
            AddKubernetes(builder);
        }
        else if (string.Equals(scheduler, "podman", StringComparison.Ordinal))
        {
            AddPodman(builder);
        }

        if (scheduler is "kubernetes" or "podman" && roles.HasFlag(PlatformRoles.Builder) && string.IsNullOrWhiteSpace(configuration["Builder:StackImage"]))
        {
            errors.Add($"PAAS_SCHEDULER={scheduler} needs PAAS_STACK_IMAGE: a build must be an image a {(scheduler == "podman" ? "container" : "cluster")} can run (the stack's layers, the slug and the launcher); build the stack with `export PAAS_STACK_IMAGE=$(stack/build.sh)`");
        }

        var platformRegistry = new PlatformRegistry(registryUrl, configuration["Paas:Kubernetes:RegistryHostForNodes"] is { Length: > 0 } forNodes ? [forNodes] : []);
        builder.Services.AddSingleton(platformRegistry);
        // App logs: on PostgreSQL (possibly several replicas) in the shared table, else in DATA_DIR/logs (one process).
        builder.Services.TryAddSingleton(sp => new PostgresLogStore(sp.GetRequiredService<PaasDatabase>(), sp.GetRequiredService<ILogger<PostgresLogStore>>()));
        builder.Services.TryAddSingleton<Paas.Scheduling.Logs.IAppLogStore>(sp => sp.GetRequiredService<PaasDatabase>().Postgres is null
            ? sp.GetRequiredService<Paas.Scheduling.Logs.FileLogStore>()
            : sp.GetRequiredService<PostgresLogStore>());
        builder.Services.AddLocalProcessRuntime(_ => { }); // the embedded default scheduler; tests replace IScheduler before this
        builder.Services.AddOptions<LocalRuntimeOptions>().Configure<IOptions<PaasOptions>, ServiceCredential>((runtime, paas, credential) =>
        {
            runtime.DataDirectory = paas.Value.DataDir;
            runtime.RegistryUsername = ServiceCredential.Username;
            runtime.RegistryPassword = credential.Secret;
            runtime.RegistryAuthority = () => platformRegistry.Authority;
        });
        builder.Services.AddPaasController(builder.Configuration);
        builder.Services.AddSingleton(sp => new RouteChangeLog(
            sp.GetRequiredService<AppStore>(), sp.GetRequiredService<RoutingStore>(),
            sp.GetService<IRouteEndpointSource>() ?? new SchedulerEndpoints(sp.GetRequiredService<Paas.Scheduling.IEndpointFeed>()),
            sp.GetRequiredService<PaasDatabase>().RouteChanges,
            sp.GetRequiredService<ILogger<RouteChangeLog>>(),
            configuration.GetValue<TimeSpan?>("Paas:Routing:RereadInterval")));
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RouteChangeLog>());
        builder.Services.AddSingleton<IRoutePropagation>(sp => sp.GetRequiredService<RouteChangeLog>());
        if (roles.HasFlag(PlatformRoles.Builder))
        {
            AddBuilder(builder, service, registryUrl, controllerUrl: null);
            AddInProcessController(builder);
            builder.Services.AddSingleton<IBuildEventSink>(sp => new AppLogBuildEvents(sp.GetRequiredService<Paas.Scheduling.Logs.IAppLogStore>()));
            builder.Services.AddSingleton<IAppDestroyedListener, BuilderAppCleanup>();
            if (configuration["Paas:Scheduler"] is null or "" or "local")
            {
                builder.Services.AddSingleton<ISlugHandOff>(sp => new LocalSlugHandOff(sp.GetRequiredService<ISlugSource>()));
            }
        }
        else
        {
            builder.Services.AddHttpForwarder();
        }

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
        var schedulerValid = (controller.Services.GetService<IOptions<KubernetesOptions>>() is null || OptionsAreValid<KubernetesOptions>(controller.Services, errors))
            & OptionsAreValid<Paas.Scheduling.Podman.PodmanOptions>(controller.Services, errors); // validated only when PAAS_SCHEDULER=podman registered its rules
        if (!OptionsAreValid<PaasOptions>(controller.Services, errors) | !OptionsAreValid<Paas.Ldap.LdapOptions>(controller.Services, errors) | !schedulerValid
            | (roles.HasFlag(PlatformRoles.Builder) && !OptionsAreValid<BuilderOptions>(controller.Services, errors)) | !CredentialIsReadable(service, errors) || errors.Count > 0)
        {
            return null;
        }

        controller.UsePaasController();
        health.Map(controller);
        health.Add("controller", async ct =>
        {
            var report = await controller.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(ct).ConfigureAwait(false);
            return report.Status == HealthStatus.Healthy ? null : string.Join("; ", report.Entries.Values.Select(e => e.Description));
        });
        if (roles.HasFlag(PlatformRoles.Builder))
        {
            controller.MapBuilderApi();
        }
        else
        {
            var target = roleOptions.BuilderUrl!;
            MapForwarded(controller, "/{app}.git/{**rest}", () => target, StatusCodes.Status503ServiceUnavailable,
                (to, error) => $"The builder at {to} does not answer ({error}); try the push again shortly.\n");
        }

        return controller;
    }

    /// <summary>The controller's internal contracts on their own port, for parts in other processes (<see cref="Internal.InternalApi"/>).</summary>
    private static WebApplication? BuildInternal(string[] args, IConfiguration configuration, IServiceProvider controllerServices, RoleOptions roleOptions, PlatformHealth health, List<string> errors)
    {
        var options = controllerServices.GetRequiredService<IOptions<PaasOptions>>().Value;
        var builder = CreatePartBuilder(args, "paasd-internal", configuration);
        builder.Services.AddSingleton(controllerServices.GetRequiredService<ServiceCredential>());
        builder.Services.AddSingleton(controllerServices.GetRequiredService<RouteChangeLog>());
        builder.Services.AddSingleton(controllerServices.GetRequiredService<IRegistryCredentialValidator>());
        builder.Services.AddSingleton(controllerServices.GetRequiredService<IRegistryAccessPolicy>());
        builder.Services.AddSingleton(controllerServices.GetRequiredService<Paas.Scheduling.Logs.IAppLogStore>());
        builder.Services.AddSingleton(controllerServices.GetRequiredService<AppStore>());
        builder.Services.AddProblemDetails();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(options.ListenAddress), roleOptions.InternalPort));
        var app = BuildValidated<PaasOptions>(builder, errors);
        if (app is not null)
        {
            app.MapInternalApi();
            health.Map(app);
        }

        return app;
    }

    /// <summary>
    /// The builder in the controller's process calls the controller's API in memory (<see cref="InProcessControllerServer"/>):
    /// the host's server (Kestrel) is wrapped so that the same request pipeline also serves an in-memory handler.
    /// </summary>
    private static void AddInProcessController(WebApplicationBuilder builder)
    {
        var kestrel = builder.Services.LastOrDefault(d => d.ServiceType == typeof(IServer))
            ?? throw new InvalidOperationException("the controller's host has no server registered");
        builder.Services.Remove(kestrel);
        builder.Services.AddSingleton(sp => new InProcessControllerServer(
            (IServer)(kestrel.ImplementationInstance ?? kestrel.ImplementationFactory?.Invoke(sp) ?? ActivatorUtilities.CreateInstance(sp, kestrel.ImplementationType!)), sp));
        builder.Services.AddSingleton<IServer>(sp => sp.GetRequiredService<InProcessControllerServer>());
        builder.Services.AddSingleton<IInProcessController>(sp => sp.GetRequiredService<InProcessControllerServer>());
    }

    /// <summary>The builder's services: its data folder, the registry it pushes to and the controller it calls.</summary>
    private static void AddBuilder(WebApplicationBuilder builder, Lazy<ServiceCredential> service, Func<string> registryUrl, string? controllerUrl)
    {
        builder.Services.AddPaasBuilder(builder.Configuration);
        builder.Services.AddOptions<BuilderOptions>().Configure<IOptions<PaasOptions>>((builderOptions, paas) =>
        {
            builderOptions.DataDir = paas.Value.DataDir;
            builderOptions.RegistryUrl = registryUrl;
            builderOptions.RegistryUsername = ServiceCredential.Username;
            builderOptions.RegistryPassword = () => service.Value.Secret;
            builderOptions.ControllerUrl ??= controllerUrl;
            if (builder.Configuration["Paas:Scheduler"] is "podman" or "kubernetes")
            {
                builderOptions.Dockerfile.Refusal = null; // these schedulers run any image; the local runtime runs slugs only
            }
        });
        AddBuildPods(builder);
    }

    /// <summary>
    /// Builds in Kubernetes build Pods when <c>PAAS_BUILD_IN_PODS</c> says so: <c>true</c>, or <c>auto</c> (default) in a pod with
    /// a service account (the chart's builder); a builder outside the cluster, even with <c>PAAS_SCHEDULER=kubernetes</c>,
    /// keeps building locally. The pods run in <c>PAAS_BUILD_NAMESPACE</c>, else the builder's own namespace, and reach the
    /// builder at <c>PAAS_BUILD_CALLBACK_URL</c>, else <c>PAAS_BUILDER_URL</c>. The Kubernetes client is the scheduler's
    /// (<c>PAAS_KUBECONFIG</c> or the service account).
    /// </summary>
    private static void AddBuildPods(WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var inCluster = k8s.KubernetesClientConfiguration.IsInCluster();
        var mode = configuration["Builder:Pods:InPods"]?.Trim().ToLowerInvariant() ?? "auto";
        if (!(mode == "true" || (mode == "auto" && inCluster)))
        {
            return; // "false", or "auto" outside a cluster; a value that is neither is reported by the builder's validation
        }

        builder.Services.AddPaasBuildPods();
        builder.Services.AddKubernetesBuildPods(options => configuration.GetSection("Paas:Kubernetes").Bind(options));
        builder.Services.AddOptions<BuilderOptions>().Configure(options =>
        {
            const string ServiceAccountNamespace = "/var/run/secrets/kubernetes.io/serviceaccount/namespace";
            options.Pods.Namespace ??= inCluster && File.Exists(ServiceAccountNamespace) ? File.ReadAllText(ServiceAccountNamespace).Trim() : null;
            options.Pods.BuilderUrl ??= configuration["Paas:Roles:BuilderUrl"];
            options.Dockerfile.Refusal = "this app is built from its Dockerfile, and Dockerfile builds do not run in build pods yet: build the image with buildah or docker, push it to the platform's registry and deploy it with 'paas pull IMAGE', or make it a buildpack app and set PAAS_BUILDER=buildpacks";
        });
    }

    /// <summary>The builder alone (<c>--role builder</c>) on <c>PAAS_BUILDER_PORT</c>: git smart HTTP and builds, calling the controller's API.</summary>
    private static WebApplication? BuildBuilder(string[] args, IConfiguration configuration, PaasOptions paas, RoleOptions roleOptions, Lazy<ServiceCredential> service, PlatformHealth health,
        Func<string> registryUrl, Action<IServiceCollection>? configureServices, List<string> errors)
    {
        var builder = CreatePartBuilder(args, "paasd-builder", configuration);
        configureServices?.Invoke(builder.Services);
        builder.Services.AddOptions<PaasOptions>().Bind(configuration.GetSection(PaasOptions.Section));
        builder.Services.AddSingleton(_ => service.Value);
        builder.Services.AddSingleton(sp => new ControllerLogSink(Http, new Uri(roleOptions.ControllerInternalUrl!), sp.GetRequiredService<ServiceCredential>(), "paas[builder]", sp.GetRequiredService<ILogger<ControllerLogSink>>()));
        builder.Services.AddSingleton<IBuildEventSink>(sp => sp.GetRequiredService<ControllerLogSink>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ControllerLogSink>());
        builder.Services.AddSingleton<IExistingApps>(sp => new InternalExistingApps(Http, new Uri(roleOptions.ControllerInternalUrl!), sp.GetRequiredService<ServiceCredential>()));
        builder.Services.AddPaasDestroyedAppSweep();
        AddBuilder(builder, service, registryUrl, roleOptions.ControllerUrl);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null; // git packs are limited by the builder (BuilderOptions.MaxPushBytes)
            kestrel.Listen(IPAddress.Parse(ListenAddress(paas)), roleOptions.BuilderPort);
        });
        var app = BuildValidated<BuilderOptions>(builder, errors);
        if (app is null || !CredentialIsReadable(service, errors))
        {
            return null;
        }

        app.MapBuilderApi();
        health.Map(app);
        var controllerHealth = new Uri(new Uri(roleOptions.ControllerUrl!), "/healthz");
        var controllerAnswers = PlatformHealth.Answers(Http, () => controllerHealth, "controller");
        var registryAnswers = PlatformHealth.Answers(Http, () => new Uri(new Uri(registryUrl()), "/v2/"), "registry"); // the registry may be this process's, its port known at start
        health.Add("builder", async ct => await controllerAnswers(ct).ConfigureAwait(false) ?? await registryAnswers(ct).ConfigureAwait(false));
        return app;
    }

    /// <summary>
    /// The integrated registry on its own port (it owns <c>/v2/</c> there). Sign-in and access are decided by the
    /// controller: in this process through its services, else over its internal contracts (<see cref="ControllerRegistryAuthority"/>).
    /// </summary>
    private static WebApplication? BuildRegistry(string[] args, IConfiguration configuration, PaasOptions paas, IServiceProvider? controllerServices, RoleOptions roleOptions, Lazy<ServiceCredential> service,
        PlatformHealth health, List<string> errors)
    {
        var builder = CreatePartBuilder(args, "paasd-registry", configuration);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Registry:DataDirectory"] = paas.DataDir });
        if (controllerServices is not null)
        {
            builder.Services.AddSingleton(controllerServices.GetRequiredService<IRegistryCredentialValidator>());
            builder.Services.AddSingleton(controllerServices.GetRequiredService<IRegistryAccessPolicy>());
        }
        else
        {
            var url = new Uri(roleOptions.ControllerInternalUrl!);
            builder.Services.AddSingleton(_ => new ControllerRegistryAuthority(Http, url, service.Value));
            builder.Services.AddSingleton<IRegistryCredentialValidator>(sp => sp.GetRequiredService<ControllerRegistryAuthority>());
            builder.Services.AddSingleton<IRegistryAccessPolicy>(sp => sp.GetRequiredService<ControllerRegistryAuthority>());
            var controllerHealth = new Uri(url, "/healthz");
            health.Add("registry", PlatformHealth.Answers(Http, () => controllerHealth, "controller"));
        }

        builder.Services.AddPaasRegistry(builder.Configuration);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null; // blob uploads stream to disk; manifests are limited by the registry
            kestrel.Listen(IPAddress.Parse(ListenAddress(paas)), paas.RegistryPort);
        });
        var registry = BuildValidated<RegistryOptions>(builder, errors);
        if (registry is null || (controllerServices is null && !CredentialIsReadable(service, errors)))
        {
            return null;
        }

        health.Map(registry);
        registry.MapRegistryApi();
        return registry;
    }

    /// <summary>
    /// The router on the HTTP and HTTPS ports. Its table follows the controller's route stream: in this process the
    /// controller's <see cref="RouteChangeLog"/> itself, else <c>GET /internal/v1/routes</c> (<see cref="HttpRouteChangeSource"/>).
    /// </summary>
    private static WebApplication? BuildRouter(string[] args, IConfiguration configuration, PaasOptions paas, IServiceProvider? controllerServices, RoleOptions roleOptions, Lazy<ServiceCredential> service,
        PlatformHealth health, List<string> errors)
    {
        var builder = CreatePartBuilder(args, "paasd-router", configuration);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // The router reads these flat keys first; the platform's options are the one source of truth.
            ["PAAS_HTTP_PORT"] = paas.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PAAS_HTTPS_PORT"] = paas.HttpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PAAS_DOMAIN"] = paas.Domain,
            ["PAAS_DATA_DIR"] = paas.DataDir,
            ["Paas:Router:ListenAddress"] = paas.ListenAddress,
        });
        if (controllerServices is not null)
        {
            builder.Services.AddSingleton<IRouteChangeSource>(controllerServices.GetRequiredService<RouteChangeLog>());
            if (controllerServices.GetService<Paas.Scheduling.Logs.IAppLogStore>() is { } logs)
            {
                builder.Services.AddSingleton<Paas.Router.Logging.IRouterLogSink>(new AppLogRouterSink(logs));
            }
        }
        else
        {
            var url = new Uri(roleOptions.ControllerInternalUrl!);
            builder.Services.AddSingleton<IRouteChangeSource>(_ => new HttpRouteChangeSource(StreamingHttp, url, service.Value.BasicAuthorization()));
            builder.Services.AddSingleton(sp => new ControllerLogSink(Http, url, service.Value, "paas[router]", sp.GetRequiredService<ILogger<ControllerLogSink>>()));
            builder.Services.AddSingleton<Paas.Router.Logging.IRouterLogSink>(sp => sp.GetRequiredService<ControllerLogSink>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ControllerLogSink>());
        }

        builder.Services.AddPaasRouter(builder.Configuration);
        builder.Services.AddSingleton<RouteWatcher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RouteWatcher>());
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenPaasRouter());
        var router = BuildValidated<RouterOptions>(builder, errors);
        if (router is null || (controllerServices is null && !CredentialIsReadable(service, errors)))
        {
            return null;
        }

        router.UsePaasRouter();
        var watcher = router.Services.GetRequiredService<RouteWatcher>();
        health.Add("router", _ => Task.FromResult(watcher.HasTable ? null : "no route table from the controller yet"));
        return router;
    }

    /// <summary>
    /// The registry proxy (<c>--role registry-proxy</c>) on <c>PAAS_REGISTRY_PROXY_PORT</c>: every request forwarded as is to
    /// the registry (YARP's <see cref="IHttpForwarder"/>), so a node's container runtime pulls from <c>127.0.0.1:PORT</c>
    /// over plain HTTP (runtimes trust loopback registries) with the app's pull Secret, which the registry checks.
    /// </summary>
    private static WebApplication? BuildRegistryProxy(string[] args, IConfiguration configuration, PaasOptions paas, RoleOptions roleOptions, PlatformHealth health, Func<string> registryUrl, List<string> errors)
    {
        var builder = CreatePartBuilder(args, "paasd-registry-proxy", configuration);
        builder.Services.AddHttpForwarder();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Parse(ListenAddress(paas)), roleOptions.RegistryProxyPort);
        });
        if (BuildOrReport(builder, errors) is not { } app)
        {
            return null;
        }

        health.Map(app);
        health.Add("registry-proxy", PlatformHealth.Answers(Http, () => new Uri(new Uri(registryUrl()), "/v2/"), "registry"));
        MapForwarded(app, "/v2/{**rest}", registryUrl, StatusCodes.Status502BadGateway);
        return app;
    }

    /// <summary>The health port (<c>PAAS_HEALTH_PORT</c>): <c>/healthz</c> and <c>/readyz</c> for every part of this process, nothing else.</summary>
    private static WebApplication? BuildHealth(string[] args, IConfiguration configuration, PaasOptions paas, RoleOptions roleOptions, PlatformHealth health, List<string> errors)
    {
        var builder = CreatePartBuilder(args, "paasd-health", configuration);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Parse(ListenAddress(paas)), roleOptions.HealthPort));
        var app = BuildOrReport(builder, errors);
        if (app is not null)
        {
            health.Map(app);
        }

        return app;
    }

    /// <summary>Imports the stack; a registry in another process gets up to two minutes to answer (it may start after the builder).</summary>
    private static async Task ImportStackAsync(StackImporter importer, bool waitForRegistry, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        var delay = TimeSpan.FromMilliseconds(250);
        while (true)
        {
            try
            {
                await importer.ImportAsync(cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HttpRequestException e) when (waitForRegistry && e.StatusCode is null && DateTime.UtcNow + delay < deadline)
            {
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = delay * 2 > TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : delay * 2;
            }
        }
    }

    /// <summary>Whether the shared service secret can be read; adds the reason to <paramref name="errors"/> when not.</summary>
    private static bool CredentialIsReadable(Lazy<ServiceCredential> service, List<string> errors)
    {
        try
        {
            _ = service.Value;
            return true;
        }
        catch (InvalidOperationException e)
        {
            errors.Add(e.Message);
            return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            errors.Add($"the service secret in PAAS_DATA_DIR cannot be read or made: {e.Message}");
            return false;
        }
    }

    /// <summary>The address a part without the controller listens on: <c>PAAS_LISTEN_ADDRESS</c>, or loopback when it is no IP address (only the controller's options are validated).</summary>
    private static string ListenAddress(PaasOptions paas) => IPAddress.TryParse(paas.ListenAddress, out _) ? paas.ListenAddress : "127.0.0.1";

    /// <summary>Short calls between parts (registry sign-in, health, log batches).</summary>
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>The route stream: long-lived, so no overall timeout (silence is detected by <see cref="HttpRouteChangeSource.ReadTimeout"/>).</summary>
    private static readonly HttpClient StreamingHttp = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = Timeout.InfiniteTimeSpan };

    /// <summary>
    /// The Kubernetes scheduler (<c>PAAS_SCHEDULER=kubernetes</c>), settings from <c>Paas:Kubernetes</c>; it reads image configs
    /// from the platform's registry as the service, and gives each app's pods a pull-only credential for its repository.
    /// </summary>
    private static void AddKubernetes(WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Paas:Kubernetes");
        // With several replicas on one shared log store, one at a time follows the pods' logs.
        builder.Services.AddKeyedSingleton(KubernetesScheduler.LogFollowingLease, (sp, key) => new RenewedLease(
            (string)key!, sp.GetRequiredService<PaasDatabase>(), sp.GetRequiredService<LeaseStore>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<RenewedLease>>()));
        builder.Services.AddKeyedSingleton<IReplicaLease>(KubernetesScheduler.LogFollowingLease, (sp, key) => sp.GetRequiredKeyedService<RenewedLease>(key));
        builder.Services.AddHostedService(sp => sp.GetRequiredKeyedService<RenewedLease>(KubernetesScheduler.LogFollowingLease));
        builder.Services.AddKubernetesScheduler(options => section.Bind(options));
        builder.Services.AddSingleton<IAppPullCredentials>(sp => new PlatformPullCredentials(sp.GetRequiredService<AppPullCredentials>(), sp.GetRequiredService<PlatformRegistry>()));
        builder.Services.AddSingleton<IImageInspector>(sp =>
        {
            var service = sp.GetRequiredService<ServiceCredential>();
            var registry = sp.GetRequiredService<PlatformRegistry>();
            return new RegistryImageInspector(sp.GetRequiredService<IOptions<KubernetesOptions>>().Value.LauncherPath, ServiceCredential.Username, () => service.Secret, () => registry.Authority);
        });
    }

    /// <summary>
    /// The podman scheduler (<c>PAAS_SCHEDULER=podman</c>), settings from <c>Paas:Podman</c>: each app's processes are
    /// containers pulled from the platform's registry with the app's pull-only credential, as Kubernetes nodes pull them.
    /// </summary>
    private static void AddPodman(WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Paas:Podman");
        builder.Services.AddPodmanRuntime(options => section.Bind(options));
        builder.Services.AddSingleton<IAppPullCredentials>(sp => new PlatformPullCredentials(sp.GetRequiredService<AppPullCredentials>(), sp.GetRequiredService<PlatformRegistry>()));
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
        where TOptions : class =>
        BuildOrReport(builder, errors) is { } app && OptionsAreValid<TOptions>(app.Services, errors) ? app : null;

    /// <summary>Builds a part; null, with every failure added to <paramref name="errors"/>, when building resolved options that are not valid.</summary>
    private static WebApplication? BuildOrReport(WebApplicationBuilder builder, List<string> errors)
    {
        try
        {
            return builder.Build();
        }
        catch (OptionsValidationException e)
        {
            errors.AddRange(e.Failures);
            return null;
        }
    }

    /// <summary>
    /// Maps <paramref name="pattern"/> to YARP's <see cref="IHttpForwarder"/>: every request forwarded as is to
    /// <paramref name="target"/> (read per request); when the target cannot be reached and nothing was sent yet, the answer
    /// is <paramref name="failureStatus"/> with the sentence <paramref name="failure"/> makes, if any.
    /// </summary>
    private static void MapForwarded(WebApplication app, string pattern, Func<string> target, int failureStatus, Func<string, ForwarderError, string>? failure = null)
    {
        var forwarder = app.Services.GetRequiredService<IHttpForwarder>();
        var invoker = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false, EnableMultipleHttp2Connections = true });
        app.Map(pattern, async context =>
        {
            var to = target();
            var error = await forwarder.SendAsync(context, to, invoker, ForwarderRequestConfig.Empty, HttpTransformer.Default).ConfigureAwait(false);
            if (error != ForwarderError.None && !context.Response.HasStarted)
            {
                context.Response.StatusCode = failureStatus;
                if (failure is not null)
                {
                    await context.Response.WriteAsync(failure(to, error)).ConfigureAwait(false);
                }
            }
        }).ExcludeFromDescription();
    }

    /// <summary>A part's first Kestrel address as this process calls it, a wildcard listen address made loopback (<see cref="ServerAddresses"/>).</summary>
    private static string Address(WebApplication app) =>
        ServerAddresses.FirstConnectable(app.Services) ?? throw new InvalidOperationException("the platform has not started");
}

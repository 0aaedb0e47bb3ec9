using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Paas.Controller;

namespace Paas.Server;

/// <summary>
/// The platform in one process: the controller (API and git on <see cref="PaasOptions.ApiPort"/>) and, as their issues
/// land, the registry, router and scheduler, each on its own Kestrel listener. Tests build it with ports 0 and a temporary
/// data folder; <c>paasd</c> builds it from its configuration.
/// </summary>
public sealed class PaasPlatform : IAsyncDisposable
{
    private readonly WebApplication _controller;

    private PaasPlatform(WebApplication controller)
    {
        _controller = controller;
    }

    /// <summary>The controller's services (for tests: stores, the scheduler).</summary>
    public IServiceProvider Services => _controller.Services;

    /// <summary>The controller API's base URL once started, e.g. <c>http://127.0.0.1:7000</c>.</summary>
    public string ApiUrl => Address(_controller);

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
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = args, ApplicationName = "paasd" });
        builder.Configuration.AddJsonFile("appsettings.json", optional: true);
        builder.Configuration.AddPaasEnvironment();
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }

        builder.Configuration.AddCommandLine(args);
        var errors = new List<string>(PaasEnvironment.TakeUnreadable(builder.Configuration));

        configureServices?.Invoke(builder.Services);
        builder.Services.AddPaasController(builder.Configuration);
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
        try
        {
            _ = controller.Services.GetRequiredService<IOptions<PaasOptions>>().Value;
        }
        catch (OptionsValidationException e)
        {
            errors.AddRange(e.Failures);
        }

        if (errors.Count == 0)
        {
            controller.UsePaasController();
        }

        return (new PaasPlatform(controller), errors);
    }

    /// <summary>Migrates the database and starts listening on every part's port.</summary>
    /// <param name="cancellationToken">Cancels start-up.</param>
    /// <returns>A task that completes once the platform serves requests.</returns>
    public Task StartAsync(CancellationToken cancellationToken = default) => _controller.StartAsync(cancellationToken);

    /// <summary>Waits until the process is asked to stop (Ctrl+C, SIGTERM).</summary>
    /// <returns>A task that completes on shutdown.</returns>
    public Task WaitForShutdownAsync() => _controller.WaitForShutdownAsync();

    /// <summary>Stops every part, letting requests in flight finish.</summary>
    /// <param name="cancellationToken">Ends the graceful wait early.</param>
    /// <returns>A task.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default) => _controller.StopAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await _controller.DisposeAsync().ConfigureAwait(false);

    private static string Address(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
        ?? throw new InvalidOperationException("the platform has not started");
}

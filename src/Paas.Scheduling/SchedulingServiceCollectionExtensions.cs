using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Paas.Scheduling.Local;
using Paas.Scheduling.Logs;
using Paas.Scheduling.Podman;

namespace Paas.Scheduling;

/// <summary>Registers the scheduling part.</summary>
public static class SchedulingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LocalProcessScheduler"/> as the <see cref="IScheduler"/> and <see cref="IEndpointFeed"/>, a
    /// <see cref="FileLogStore"/> under <c>DATA_DIR/logs</c> (also as the <see cref="IAppLogStore"/>), and a
    /// <see cref="RegistrySlugSource"/> as the <see cref="ISlugSource"/>; each with TryAdd, so a host or test can replace it. Also
    /// the <see cref="OrphanedUserSweeper"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options (at least <see cref="LocalRuntimeOptions.DataDirectory"/>).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddLocalProcessRuntime(this IServiceCollection services, Action<LocalRuntimeOptions> configure)
    {
        services.AddOptions<LocalRuntimeOptions>()
            .Configure(configure)
            .Validate(o => !string.IsNullOrWhiteSpace(o.DataDirectory), "Scheduler: the local runtime needs a data directory")
            .Validate(o => o.BootTimeout > TimeSpan.Zero && o.StopGracePeriod >= TimeSpan.Zero, "Scheduler: BootTimeout must be positive and StopGracePeriod not negative")
            .Validate(o => o.CrashBackoffInitial > TimeSpan.Zero && o.CrashBackoffMax >= o.CrashBackoffInitial, "Scheduler: crash back-off must be positive and its cap at least its start")
            .ValidateOnStart();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LocalRuntimeOptions>>().Value;
            return new FileLogStore(new LocalPaths(options.DataDirectory).Logs, options.MaxLogBytesPerApp);
        });
        services.TryAddSingleton<IAppLogStore>(sp => sp.GetRequiredService<FileLogStore>());
        services.TryAddSingleton<ISlugSource, RegistrySlugSource>();
        services.TryAddSingleton<LocalProcessScheduler>();
        services.TryAddSingleton<IScheduler>(sp => sp.GetRequiredService<LocalProcessScheduler>());
        services.TryAddSingleton<IEndpointFeed>(sp => sp.GetRequiredService<IScheduler>() as IEndpointFeed ?? new NoEndpointFeed());
        services.AddOrphanedUserSweeper();
        return services;
    }

    /// <summary>
    /// Registers <see cref="OrphanedUserSweeper"/> once (TryAddEnumerable), for every part that makes system users: the
    /// local runtimes and the builder.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddOrphanedUserSweeper(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Microsoft.Extensions.Hosting.IHostedService, OrphanedUserSweeper>());
        return services;
    }

    /// <summary>
    /// Registers <see cref="PodmanScheduler"/> as the <see cref="IScheduler"/> (and so the <see cref="IEndpointFeed"/>), with
    /// TryAdd; call it before <see cref="AddLocalProcessRuntime"/>, which adds the log store and the shared
    /// <see cref="LocalRuntimeOptions"/> (data folder, boot timeout, back-off) and leaves this scheduler in place. The
    /// scheduler uses an <see cref="IAppPullCredentials"/> and an <see cref="IAppRegistryLogins"/> when registered.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the podman options (configuration section <c>Paas:Podman</c>).</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddPodmanRuntime(this IServiceCollection services, Action<PodmanOptions> configure)
    {
        services.AddOptions<PodmanOptions>()
            .Configure(configure)
            .Validate(o => !string.IsNullOrWhiteSpace(o.PodmanPath) && o.Locate() is not null,
                "PAAS_SCHEDULER=podman needs podman: PAAS_PODMAN_PATH (Paas:Podman:PodmanPath, default podman on PATH) names no file; install podman, runc and the CNI plugins (scripts/install-deps.sh) or set PAAS_PODMAN_PATH")
            .Validate(o => o.WebPort is > 0 and < 65536, "Scheduler: Paas:Podman:WebPort must be a TCP port (1 to 65535)")
            .Validate(o => o.CommandTimeout > TimeSpan.Zero, "Scheduler: Paas:Podman:CommandTimeout must be positive")
            .ValidateOnStart();
        services.TryAddSingleton(sp => new PodmanScheduler(
            sp.GetRequiredService<IOptions<LocalRuntimeOptions>>(),
            sp.GetRequiredService<IOptions<PodmanOptions>>(),
            sp.GetRequiredService<IAppLogStore>(),
            sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<PodmanScheduler>>(),
            sp.GetService<IAppPullCredentials>(),
            sp.GetService<IAppRegistryLogins>()));
        services.TryAddSingleton<IScheduler>(sp => sp.GetRequiredService<PodmanScheduler>());
        return services;
    }
}

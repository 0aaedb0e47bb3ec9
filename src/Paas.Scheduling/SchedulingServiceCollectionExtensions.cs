using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Paas.Scheduling.Local;
using Paas.Scheduling.Logs;

namespace Paas.Scheduling;

/// <summary>Registers the scheduling part.</summary>
public static class SchedulingServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="LocalProcessScheduler"/> as the <see cref="IScheduler"/> and <see cref="IEndpointFeed"/>, a
    /// <see cref="FileLogStore"/> under <c>DATA_DIR/logs</c> as the <see cref="IAppLogStore"/>, and a
    /// <see cref="RegistrySlugSource"/> as the <see cref="ISlugSource"/>; each with TryAdd, so a host or test can replace it.
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
        services.TryAddSingleton<IAppLogStore>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<LocalRuntimeOptions>>().Value;
            return new FileLogStore(new LocalPaths(options.DataDirectory).Logs, options.MaxLogBytesPerApp);
        });
        services.TryAddSingleton<ISlugSource, RegistrySlugSource>();
        services.TryAddSingleton<LocalProcessScheduler>();
        services.TryAddSingleton<IScheduler>(sp => sp.GetRequiredService<LocalProcessScheduler>());
        services.TryAddSingleton<IEndpointFeed>(sp => sp.GetRequiredService<IScheduler>() as IEndpointFeed ?? new NoEndpointFeed());
        return services;
    }
}

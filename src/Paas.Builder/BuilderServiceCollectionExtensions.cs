using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Paas.Builder;

/// <summary>Registers the builder (git smart HTTP and the build pipeline).</summary>
public static class BuilderServiceCollectionExtensions
{
    /// <summary>
    /// Adds the builder's services with <c>TryAdd*</c>, binding <see cref="BuilderOptions"/> from the <c>Builder</c> section
    /// and validating at start (the data folder is required, the timeout positive). The host sets the registry target.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration holding the <c>Builder</c> section.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddPaasBuilder(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<BuilderOptions>()
            .Bind(configuration.GetSection(BuilderOptions.Section))
            .Validate(o => o.DataDir.Length > 0, "Builder:DataDir (the platform's data folder) is required")
            .Validate(o => o.BuildTimeout > TimeSpan.Zero, "Builder:BuildTimeout must be positive")
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BuilderOptions>, BuilderOptionsValidator>());
        services.TryAddSingleton<StackSource>();
        services.TryAddSingleton(sp => new StackImporter(
            sp.GetRequiredService<IOptions<BuilderOptions>>(), sp.GetRequiredService<StackSource>(), sp.GetRequiredService<ILogger<StackImporter>>()));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<BuilderOptions>>().Value;
            return new BuilderPaths(options.DataDir, options.WorkDir ?? BuilderPaths.DefaultWorkDir(options.DataDir));
        });
        services.TryAddSingleton<PushRegistry>();
        services.TryAddSingleton<AppLocks>();
        services.TryAddSingleton<AppRepositories>();
        services.TryAddSingleton<ControllerApi>();
        services.TryAddSingleton<GitAuthenticator>();
        services.TryAddSingleton<IBuildEventSink, NoBuildEvents>();
        services.TryAddSingleton<BuildPipeline>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StaleBuildCleaner>());
        return services;
    }
}

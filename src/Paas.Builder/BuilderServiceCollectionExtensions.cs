using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Scheduling;

namespace Paas.Builder;

/// <summary>Registers the builder (git smart HTTP and the build pipeline).</summary>
public static class BuilderServiceCollectionExtensions
{
    /// <summary>
    /// Adds the builder's services with <c>TryAdd*</c>, binding <see cref="BuilderOptions"/> from the <c>Builder</c> section
    /// and validating at start (the data folder is required, the timeout and the quarantine grace period positive). The host sets the registry target.
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
            .Validate(o => o.QuarantineGracePeriod > TimeSpan.Zero, "Builder:QuarantineGracePeriod (how old a push's leftover quarantine folder must be before it is removed) must be positive, e.g. 01:00:00")
            .Validate(o => o.Pods.InPods.Trim().ToLowerInvariant() is "auto" or "true" or "false", "PAAS_BUILD_IN_PODS must be auto, true or false")
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
        services.TryAddSingleton(BuilderAppData.Create);
        services.TryAddSingleton<ControllerApi>();
        services.TryAddSingleton<GitAuthenticator>();
        services.TryAddSingleton<IBuildEventSink, NoBuildEvents>();
        services.TryAddSingleton<ISlugHandOff, NoSlugHandOff>();
        services.TryAddSingleton<BuildUsers>();
        services.AddOrphanedUserSweeper();
        services.TryAddSingleton<ICompiler, LocalCompiler>();
        services.TryAddSingleton<BuildTransfers>();
        services.TryAddSingleton<DockerfileBuilder>();
        services.TryAddSingleton<BuildPipeline>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, StaleBuildCleaner>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<QuarantineSweeper>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, QuarantineSweeper>(sp => sp.GetRequiredService<QuarantineSweeper>()));
        return services;
    }

    /// <summary>
    /// For a builder in a process of its own, which is not told of destroys: sweeps the repositories and build caches of apps
    /// that no longer exist, at start and every hour (<see cref="IExistingApps"/> says which exist; the host registers it).
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddPaasDestroyedAppSweep(this IServiceCollection services)
    {
        services.TryAddSingleton<DestroyedAppSweeper>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, DestroyedAppSweeper>(sp => sp.GetRequiredService<DestroyedAppSweeper>()));
        return services;
    }

    /// <summary>
    /// Makes builds compile in Kubernetes build Pods (<see cref="BuildPodOptions"/>) instead of the builder's own processes;
    /// call after <see cref="AddPaasBuilder"/>. Needs an <see cref="IBuildPods"/> (<c>AddKubernetesBuildPods()</c> of
    /// Paas.Kubernetes). Checks at start that <c>PAAS_BUILD_IMAGE</c>, a namespace and a callback URL are set.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <returns>The services.</returns>
    public static IServiceCollection AddPaasBuildPods(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<ICompiler, PodCompiler>());
        services.AddOptions<BuilderOptions>()
            .Validate(o => !string.IsNullOrWhiteSpace(o.Pods.Image), "builds in pods need PAAS_BUILD_IMAGE (the build image: the stack, the buildpacks and the build tools)")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Pods.Namespace), "builds in pods need PAAS_BUILD_NAMESPACE outside a pod (inside one, the pod's own namespace is used)")
            .Validate(o => o.Pods.BuilderUrl is null || Uri.TryCreate(o.Pods.BuilderUrl, UriKind.Absolute, out _), "PAAS_BUILD_CALLBACK_URL must be an absolute http:// URL")
            .Validate(o => o.Pods.RunAsUser > 0, "build pods may not run as root (Builder:Pods:RunAsUser must be above 0)")
            .Validate(o => o.Pods.MaxSlugBytes > 0, "Builder:Pods:MaxSlugBytes must be positive")
            .Validate(o => o.Pods.MaxCacheBytes > 0, "PAAS_BUILD_MAX_CACHE_BYTES (Builder:Pods:MaxCacheBytes) must be positive")
            .Validate(o => o.Pods.MaxUnpackedBytes > 0, "PAAS_BUILD_MAX_UNPACKED_BYTES (Builder:Pods:MaxUnpackedBytes) must be positive");
        return services;
    }
}

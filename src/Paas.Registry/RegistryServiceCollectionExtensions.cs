using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Paas.Registry.Api;
using Paas.Registry.Auth;
using Paas.Registry.Gc;
using Paas.Registry.Storage;
using Paas.Registry.Uploads;

namespace Paas.Registry;

/// <summary>Registers the integrated OCI registry.</summary>
public static class RegistryServiceCollectionExtensions
{
    /// <summary>
    /// Adds the registry's services with <c>TryAdd*</c>, so anything registered before (or replaced
    /// after) wins: <see cref="RegistryOptions"/> bound from the <c>Registry</c> section of
    /// <paramref name="config"/> and validated at start-up; the filesystem <see cref="IRegistryStorageDriver"/>;
    /// <see cref="RegistryGarbageCollector"/>; the upload sessions' limit and expiry with their background sweep
    /// (<see cref="RegistryOptions.UploadExpiry"/>); and deny-all defaults for <see cref="IRegistryCredentialValidator"/>
    /// and <see cref="IRegistryAccessPolicy"/>, which the platform replaces with its users, tokens and permissions
    /// (singleton or scoped: they are resolved per request).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="config">Configuration holding a <c>Registry</c> section, or null for defaults.</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddPaasRegistry(this IServiceCollection services, IConfiguration? config = null)
    {
        services.AddLogging();
        var options = services.AddOptions<RegistryOptions>();
        if (config is not null)
        {
            options.Bind(config.GetSection(RegistryOptions.SectionName));
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RegistryOptions>, RegistryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IRegistryStorageDriver>(sp =>
        {
            var o = sp.GetRequiredService<IOptions<RegistryOptions>>().Value;
            return new FileSystemStorageDriver(o.GetRootDirectory(), o.FsyncWrites, sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<UploadSessions>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, UploadExpirySweeper>());
        services.TryAddSingleton<IRegistryCredentialValidator, DenyAllCredentialValidator>();
        services.TryAddSingleton<IRegistryAccessPolicy, DenyAllAccessPolicy>();
        services.TryAddSingleton<RegistryTokenService>();
        services.TryAddSingleton<RegistryAuthCache>();
        // Scoped, so the platform's validator and policy may be scoped (a database connection per request).
        services.TryAddScoped<RegistryAuthenticator>();
        services.TryAddScoped<RegistryApiHandler>();
        services.TryAddSingleton<RegistryGarbageCollector>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Paas.Data;

/// <summary>Registers the data layer.</summary>
public static class DataServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="PaasDatabase"/> (built by <paramref name="databaseFactory"/>), the <see cref="SecretKeyRing"/> (built by
    /// <paramref name="keysFactory"/>), the migrator and every store, as singletons (TryAdd: a host or test may register its own first).
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="databaseFactory">Makes the database from the container (reads the configured connection string and data folder).</param>
    /// <param name="keysFactory">Makes the key ring that encrypts stored secrets (reads the configured key file).</param>
    /// <returns><paramref name="services"/>.</returns>
    public static IServiceCollection AddPaasData(this IServiceCollection services, Func<IServiceProvider, PaasDatabase> databaseFactory, Func<IServiceProvider, SecretKeyRing> keysFactory)
    {
        services.TryAddSingleton(databaseFactory);
        services.TryAddSingleton(keysFactory);
        services.TryAddSingleton<StoredSecrets>();
        services.TryAddSingleton<AppRegistryCredentialStore>();
        services.TryAddSingleton<DatabaseMigrator>();
        services.TryAddSingleton<UserStore>();
        services.TryAddSingleton<AppStore>();
        services.TryAddSingleton<PermissionStore>();
        services.TryAddSingleton<TeamStore>();
        services.TryAddSingleton<FormationStore>();
        services.TryAddSingleton<AutoscaleStore>();
        services.TryAddSingleton<LedgerStore>();
        services.TryAddSingleton<RoutingStore>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<LeaseStore>();
        services.TryAddSingleton<LoginFailureStore>();
        services.TryAddSingleton<AppDeployLocks>();
        return services;
    }
}

using Microsoft.Extensions.DependencyInjection;

namespace Paas.Builder;

/// <summary>
/// What the builder keeps per app, for a host that learns an app was destroyed (paasd with the builder in the controller's
/// process): its git repository, build cache, slug layers and Dockerfile layer cache. A builder in another process cannot
/// be told yet; there a name taken again still gets nothing of the old app's (the repository remembers its app's creation
/// time), but the old folders stay on disk until then.
/// </summary>
public sealed class BuilderAppData
{
    private readonly AppRepositories _repositories;

    internal BuilderAppData(AppRepositories repositories) => _repositories = repositories;

    /// <summary>Deletes what the builder keeps for <paramref name="app"/>.</summary>
    /// <param name="app">The destroyed app's name.</param>
    /// <param name="cancellationToken">Cancels the wait for a git request that is creating the repository.</param>
    /// <returns>A task that completes when it is gone.</returns>
    /// <exception cref="IOException">A folder could not be deleted.</exception>
    public Task DeleteAsync(string app, CancellationToken cancellationToken) => _repositories.DeleteAsync(app, cancellationToken);

    internal static BuilderAppData Create(IServiceProvider services) => new(services.GetRequiredService<AppRepositories>());
}

namespace Paas.Builder;

/// <summary>
/// Which apps exist, for a builder that is not told of destroys (one in a process of its own): it sweeps the folders of apps
/// that no longer exist (<see cref="DestroyedAppSweeper"/>). paasd implements it over the controller's internal API.
/// </summary>
public interface IExistingApps
{
    /// <summary>The names of every app that exists now.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The names.</returns>
    /// <exception cref="HttpRequestException">The controller could not be asked; the sweep is skipped until the next one.</exception>
    Task<IReadOnlySet<string>> ListAsync(CancellationToken cancellationToken);
}

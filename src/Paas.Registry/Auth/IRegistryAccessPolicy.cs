namespace Paas.Registry.Auth;

/// <summary>
/// Decides whether a principal may act on a repository. Repositories are named after apps
/// (<c>APP</c> or <c>APP/...</c>): the platform allows the app's collaborators, and its service
/// credential everywhere. Implemented by the platform.
/// </summary>
public interface IRegistryAccessPolicy
{
    /// <summary>Decides an access.</summary>
    /// <param name="principal">An authenticated principal.</param>
    /// <param name="repository">A repository name, valid per the OCI name grammar.</param>
    /// <param name="action">The action.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>True to allow; false answers 403 <c>DENIED</c>.</returns>
    ValueTask<bool> IsAllowedAsync(RegistryPrincipal principal, string repository, RegistryAction action, CancellationToken cancellationToken = default);
}

namespace Paas.Registry.Auth;

/// <summary>
/// Checks a username and secret (the user's platform API token, or a service credential) presented
/// with HTTP Basic auth to the registry or to its token endpoint. Implemented by the platform.
/// </summary>
public interface IRegistryCredentialValidator
{
    /// <summary>Validates credentials.</summary>
    /// <param name="username">The username from the Basic credentials.</param>
    /// <param name="secret">The password from the Basic credentials: a platform API token.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The principal, or null when the credentials are not valid (the registry answers 401).</returns>
    ValueTask<RegistryPrincipal?> ValidateAsync(string username, string secret, CancellationToken cancellationToken = default);
}

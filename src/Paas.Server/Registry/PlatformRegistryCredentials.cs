using Paas.Controller;
using Paas.Data;
using Paas.Registry.Auth;

namespace Paas.Server;

/// <summary>
/// Registry sign-in with platform credentials: a username and that user's API token (as <c>docker login</c>,
/// <c>podman login</c> and <c>skopeo --creds user:token</c> send them), or the platform's <see cref="ServiceCredential"/>.
/// </summary>
internal sealed class PlatformRegistryCredentials(UserStore users, ServiceCredential service) : IRegistryCredentialValidator
{
    public async ValueTask<RegistryPrincipal?> ValidateAsync(string username, string secret, CancellationToken cancellationToken = default)
    {
        if (username == ServiceCredential.Username)
        {
            return service.Matches(secret) ? new RegistryPrincipal(ServiceCredential.PrincipalName) : null;
        }

        var user = await users.FindByTokenAsync(ApiToken.Hash(secret), cancellationToken).ConfigureAwait(false);
        return user is not null && string.Equals(user.Username, username.Trim(), StringComparison.OrdinalIgnoreCase)
            ? new RegistryPrincipal(user.Username)
            : null;
    }
}

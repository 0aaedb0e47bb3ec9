using Paas.Controller;
using Paas.Registry.Auth;

namespace Paas.Server;

/// <summary>
/// Registry sign-in with platform credentials: a username and that user's API token (as <c>docker login</c>,
/// <c>podman login</c> and <c>skopeo --creds user:token</c> send them), or the platform's <see cref="ServiceCredential"/>.
/// Directory users are refreshed through <see cref="TokenUsers"/> like on the API. An app's pull-only credential
/// (<see cref="AppPullCredentials"/>, in the image pull Secret of the app's Kubernetes namespace) signs in as
/// <c>paas:pull:APP</c>.
/// </summary>
internal sealed class PlatformRegistryCredentials(TokenUsers users, ServiceCredential service, AppPullCredentials pulls) : IRegistryCredentialValidator
{
    public async ValueTask<RegistryPrincipal?> ValidateAsync(string username, string secret, CancellationToken cancellationToken = default)
    {
        if (username == ServiceCredential.Username)
        {
            return service.Matches(secret) ? new RegistryPrincipal(ServiceCredential.PrincipalName) : null;
        }

        if (username.StartsWith(AppPullCredentials.UsernamePrefix, StringComparison.Ordinal))
        {
            return pulls.Validate(username, secret) is { } app ? new RegistryPrincipal(AppPullCredentials.PrincipalPrefix + app) : null;
        }

        Domain.User? user;
        try
        {
            user = await users.FindAsync(secret, cancellationToken).ConfigureAwait(false);
        }
        catch (Paas.Ldap.DirectoryUnavailableException)
        {
            return null; // the directory has been down past the outage grace: refused like a bad token
        }

        return user is not null && string.Equals(user.Username, username.Trim(), StringComparison.OrdinalIgnoreCase)
            ? new RegistryPrincipal(user.Username)
            : null;
    }
}

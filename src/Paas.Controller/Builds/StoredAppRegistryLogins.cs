using Paas.Data;
using Paas.Scheduling;

namespace Paas.Controller;

/// <summary>The schedulers' view of <see cref="AppRegistryCredentialStore"/>: an app's login to a registry, by app name, password decrypted.</summary>
/// <param name="apps">The apps.</param>
/// <param name="logins">The stored logins.</param>
internal sealed class StoredAppRegistryLogins(AppStore apps, AppRegistryCredentialStore logins) : IAppRegistryLogins
{
    /// <inheritdoc />
    public async Task<RegistryLogin?> FindAsync(string app, string registry, CancellationToken cancellationToken)
    {
        if (await apps.FindAsync(app, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            return null;
        }

        return await logins.FindAsync(found.Id, registry.ToLowerInvariant(), cancellationToken).ConfigureAwait(false) is { } login
            ? new RegistryLogin(login.Username, login.Password)
            : null;
    }
}

using Paas.Data;
using Paas.Domain;
using Paas.Registry.Auth;

namespace Paas.Server;

/// <summary>
/// Registry permissions from app permissions, by <see cref="RepositoryAccess"/>'s rule (owners and platform admins are admins). The service
/// credential may do everything; an app's pull credential (<c>paas:pull:APP</c>) may pull APP's repositories and nothing
/// else. A repository of no existing app is refused.
/// </summary>
internal sealed class PlatformRegistryAccessPolicy(UserStore users, AppStore apps, PermissionStore permissions) : IRegistryAccessPolicy
{
    public async ValueTask<bool> IsAllowedAsync(RegistryPrincipal principal, string repository, RegistryAction action, CancellationToken cancellationToken = default)
    {
        if (principal.Name == ServiceCredential.PrincipalName)
        {
            return true;
        }

        if (principal.Name.StartsWith(AppPullCredentials.PrincipalPrefix, StringComparison.Ordinal))
        {
            return action == RegistryAction.Pull && RepositoryAccess.AppOf(repository) == principal.Name[AppPullCredentials.PrincipalPrefix.Length..]
                && await apps.FindAsync(RepositoryAccess.AppOf(repository), cancellationToken).ConfigureAwait(false) is not null;
        }

        var user = await users.FindAsync(principal.Name, cancellationToken).ConfigureAwait(false);
        var app = await apps.FindAsync(RepositoryAccess.AppOf(repository), cancellationToken).ConfigureAwait(false);
        if (user is not { IsActive: true } || app is null)
        {
            return false;
        }

        var role = await permissions.RoleOfAsync(app, user, cancellationToken).ConfigureAwait(false);
        var needed = action switch
        {
            RegistryAction.Pull => RepositoryAccess.Pull,
            RegistryAction.Push => RepositoryAccess.Push,
            _ => RepositoryAccess.Delete,
        };
        return role >= needed;
    }
}

using Paas.Data;
using Paas.Domain;
using Paas.Registry.Auth;

namespace Paas.Server;

/// <summary>
/// Registry permissions from app permissions: repository <c>APP</c> or <c>APP/...</c> belongs to app APP; pulling needs
/// the <c>view</c> role, pushing <c>deploy</c>, deleting <c>admin</c> (owners and platform admins are admins). The service
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
            return action == RegistryAction.Pull && repository.Split('/', 2)[0] == principal.Name[AppPullCredentials.PrincipalPrefix.Length..]
                && await apps.FindAsync(repository.Split('/', 2)[0], cancellationToken).ConfigureAwait(false) is not null;
        }

        var user = await users.FindAsync(principal.Name, cancellationToken).ConfigureAwait(false);
        var app = await apps.FindAsync(repository.Split('/', 2)[0], cancellationToken).ConfigureAwait(false);
        if (user is not { IsActive: true } || app is null)
        {
            return false;
        }

        var role = await permissions.RoleOfAsync(app, user, cancellationToken).ConfigureAwait(false);
        var needed = action switch
        {
            RegistryAction.Pull => AppRole.View,
            RegistryAction.Push => AppRole.Deploy,
            _ => AppRole.Admin,
        };
        return role >= needed;
    }
}

using Paas.Data;
using Paas.Domain;

namespace Paas.Controller;

/// <summary>
/// Resolves an app named in a route and checks the caller's role on it: platform admins and owners are admins;
/// others have the role the app was shared with them in, or none (403).
/// </summary>
internal sealed class AppAccess(AppStore apps, PermissionStore permissions)
{
    public async Task<App> RequireAsync(string name, User user, AppRole needed, CancellationToken cancellationToken)
    {
        var app = await apps.FindAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw Problems.NotFound($"there is no app named '{name}': run 'paas apps' to list yours");
        var role = await RoleOfAsync(app, user, cancellationToken).ConfigureAwait(false);
        if (role is null)
        {
            throw Problems.Forbidden($"you do not have access to {name}: its owner ({app.Owner}) can share it with 'paas perms:create {user.Username} -a {name}'");
        }

        if (role < needed)
        {
            throw Problems.Forbidden($"your role on {name} is {ApiMapper.RoleName(role.Value)}; this needs {ApiMapper.RoleName(needed)}: ask {app.Owner} for it");
        }

        return app;
    }

    public Task<App?> FindAsync(string name, CancellationToken cancellationToken) => apps.FindAsync(name, cancellationToken);

    public Task<AppRole?> RoleOfAsync(App app, User user, CancellationToken cancellationToken) =>
        permissions.RoleOfAsync(app, user, cancellationToken);
}

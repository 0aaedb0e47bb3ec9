using Paas.Data;
using Paas.Domain;

namespace Paas.Controller;

/// <summary>
/// Resolves an app named in a route and checks the caller's role on it: platform admins and owners are admins;
/// others have the role the app was shared with them in, or none (404, as for an app that does not exist).
/// </summary>
internal sealed class AppAccess(AppStore apps, PermissionStore permissions)
{
    /// <summary>
    /// The app, when <paramref name="user"/> has at least <paramref name="needed"/> on it. A user without any role on it gets
    /// the same 404 as for an app that does not exist (as GitHub answers for private repositories), so names of others' apps
    /// cannot be probed; a user whose role is too low gets 403 naming the role needed, never the owner.
    /// </summary>
    public async Task<App> RequireAsync(string name, User user, AppRole needed, CancellationToken cancellationToken)
    {
        var app = await apps.FindAsync(name, cancellationToken).ConfigureAwait(false);
        var role = app is null ? null : await RoleOfAsync(app, user, cancellationToken).ConfigureAwait(false);
        if (app is null || role is null)
        {
            throw Problems.NotFound(NotFound(name));
        }

        if (role < needed)
        {
            throw Problems.Forbidden($"your role on {name} is {ApiMapper.RoleName(role.Value)}; this needs {ApiMapper.RoleName(needed)}: ask an admin of {name} for it");
        }

        return app;
    }

    /// <summary>The one answer for an app that does not exist and for one the caller may not see.</summary>
    /// <param name="name">The app's name as asked.</param>
    /// <returns>The sentence.</returns>
    public static string NotFound(string name) => $"there is no app named '{name}' that you can access: run 'paas apps' to list yours";

    public Task<App?> FindAsync(string name, CancellationToken cancellationToken) => apps.FindAsync(name, cancellationToken);

    public Task<AppRole?> RoleOfAsync(App app, User user, CancellationToken cancellationToken) =>
        permissions.RoleOfAsync(app, user, cancellationToken);
}

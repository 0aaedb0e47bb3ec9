using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Paas.Client;
using Paas.Data;
using Paas.Domain;

namespace Paas.Controller;

/// <summary>The <c>/v2/apps/{app}/perms</c> routes: who an app is shared with, and in which role.</summary>
internal static class PermsApi
{
    public static IEndpointRouteBuilder MapPermsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v2/apps/{app}/perms").WithTags("Permissions").RequireAuthorization();
        group.MapGet("/", ListAsync).WithSummary("Who the app is shared with.");
        group.MapPost("/", GrantAsync).WithSummary("Shares the app with a user (role admin, deploy or view; default deploy).");
        group.MapDelete("/{username}", RevokeAsync).WithSummary("Takes a user's access away.");
        endpoints.MapGet("/v2/apps/{app}/access", AccessAsync).WithTags("Permissions").RequireAuthorization()
            .WithSummary("The caller's own role on the app (admin, deploy or view); 403 when none. The builder checks it before accepting a push.");
        return endpoints;
    }

    private static async Task<Ok<PagedList<PermissionInfo>>> ListAsync(string app, HttpContext context, AppAccess access, PermissionStore permissions, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.View, cancellationToken).ConfigureAwait(false);
        var list = await permissions.ListAsync(found.Id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new PagedList<PermissionInfo>(list.Count, [.. list.Select(p => new PermissionInfo(p.Username, p.Role.ToString().ToLowerInvariant()))]));
    }

    private static async Task<Ok<PermissionInfo>> AccessAsync(string app, HttpContext context, AppAccess access, CancellationToken cancellationToken)
    {
        var user = context.PaasUser();
        var found = await access.RequireAsync(app, user, AppRole.View, cancellationToken).ConfigureAwait(false);
        var role = await access.RoleOfAsync(found, user, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new PermissionInfo(user.Username, role!.Value.ToString().ToLowerInvariant()));
    }

    private static async Task<Created<PermissionInfo>> GrantAsync(string app, PermissionCreateRequest request, HttpContext context, AppAccess access, UserStore users, PermissionStore permissions, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.Admin, cancellationToken).ConfigureAwait(false);
        var role = AppRole.Deploy;
        if (!string.IsNullOrEmpty(request.Role) && (!Enum.TryParse(request.Role, ignoreCase: true, out role) || !Enum.IsDefined(role) || int.TryParse(request.Role, out _)))
        {
            throw Problems.Invalid($"'{request.Role}' is not a role: use admin, deploy or view");
        }

        var name = request.Username?.Trim().ToLowerInvariant();
        var user = string.IsNullOrEmpty(name) ? null : await users.FindAsync(name, cancellationToken).ConfigureAwait(false);
        if (user is null)
        {
            throw Problems.Invalid($"there is no user named '{request.Username}'");
        }

        if (user.Id == found.OwnerId)
        {
            throw Problems.Invalid($"{user.Username} owns {app} and already has every right on it");
        }

        await permissions.GrantAsync(found.Id, user.Id, role, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/v2/apps/{found.Name}/perms/{user.Username}", new PermissionInfo(user.Username, role.ToString().ToLowerInvariant()));
    }

    private static async Task<NoContent> RevokeAsync(string app, string username, HttpContext context, AppAccess access, UserStore users, PermissionStore permissions, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.Admin, cancellationToken).ConfigureAwait(false);
        var user = await users.FindAsync(username.ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
        if (user is null || !await permissions.RevokeAsync(found.Id, user.Id, cancellationToken).ConfigureAwait(false))
        {
            throw Problems.NotFound($"{app} is not shared with '{username}'");
        }

        return TypedResults.NoContent();
    }
}

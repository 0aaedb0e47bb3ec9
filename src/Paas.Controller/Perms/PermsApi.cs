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
        group.MapGet("/", ListAsync).WithSummary("Who the app is shared with: users, then teams.");
        group.MapPost("/", GrantAsync).WithSummary("Shares the app with a user or a team (role admin, deploy or view; default deploy).");
        group.MapDelete("/{username}", RevokeAsync).WithSummary("Takes a user's access away.");
        group.MapDelete("/teams/{team}", RevokeTeamAsync).WithSummary("Takes a team's access away.");
        endpoints.MapGet("/v2/apps/{app}/access", AccessAsync).WithTags("Permissions").RequireAuthorization()
            .WithSummary("The caller's own role on the app (admin, deploy or view); 403 when none. The builder checks it before accepting a push.");
        return endpoints;
    }

    private static async Task<Ok<PagedList<PermissionInfo>>> ListAsync(string app, int? limit, int? offset, HttpContext context, AppAccess access, PermissionStore permissions, CancellationToken cancellationToken)
    {
        var paging = Paging.From(limit, offset);
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.View, cancellationToken).ConfigureAwait(false);
        var list = await permissions.ListAsync(found.Id, cancellationToken).ConfigureAwait(false);
        var teams = await permissions.ListTeamsAsync(found.Id, cancellationToken).ConfigureAwait(false);
        List<PermissionInfo> all =
        [
            .. list.Select(p => new PermissionInfo(p.Username, ApiMapper.RoleName(p.Role))),
            .. teams.Select(t => new PermissionInfo(null, ApiMapper.RoleName(t.Role), t.Team)),
        ];
        return TypedResults.Ok(paging.Slice(context.Request, all));
    }

    private static async Task<Ok<PermissionInfo>> AccessAsync(string app, HttpContext context, AppAccess access, CancellationToken cancellationToken)
    {
        var user = context.PaasUser();
        var found = await access.RequireAsync(app, user, AppRole.View, cancellationToken).ConfigureAwait(false);
        var role = await access.RoleOfAsync(found, user, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new PermissionInfo(user.Username, ApiMapper.RoleName(role!.Value)));
    }

    private static async Task<Created<PermissionInfo>> GrantAsync(string app, PermissionCreateRequest request, HttpContext context, AppAccess access, UserStore users, TeamStore teams, DirectoryAccounts directory, PermissionStore permissions, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.Admin, cancellationToken).ConfigureAwait(false);
        var role = AppRole.Deploy;
        if (!string.IsNullOrEmpty(request.Role) && (!Enum.TryParse(request.Role, ignoreCase: true, out role) || !Enum.IsDefined(role) || int.TryParse(request.Role, out _)))
        {
            throw Problems.Invalid($"'{request.Role}' is not a role: use admin, deploy or view");
        }

        if (string.IsNullOrWhiteSpace(request.Username) == string.IsNullOrWhiteSpace(request.Team))
        {
            throw Problems.Invalid("name either a user or a team to share the app with: paas perms:create USER -a APP, or paas perms:create --team TEAM -a APP");
        }

        if (!string.IsNullOrWhiteSpace(request.Team))
        {
            var team = await FindOrMapTeamAsync(request.Team, teams, directory, cancellationToken).ConfigureAwait(false);
            await permissions.GrantTeamAsync(found.Id, team.Id, role, cancellationToken).ConfigureAwait(false);
            return TypedResults.Created($"/v2/apps/{found.Name}/perms/teams/{Uri.EscapeDataString(team.Name)}", new PermissionInfo(null, ApiMapper.RoleName(role), team.Name));
        }

        var name = request.Username!.Trim().ToLowerInvariant();
        var user = await users.FindAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw Problems.Invalid(directory.Enabled
                ? $"there is no user named '{request.Username}': a directory user appears after their first sign-in, or once an admin runs 'paas users:add {name}'"
                : $"there is no user named '{request.Username}'");
        if (user.Id == found.OwnerId)
        {
            throw Problems.Invalid($"{user.Username} owns {app} and already has every right on it");
        }

        await permissions.GrantAsync(found.Id, user.Id, role, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/v2/apps/{found.Name}/perms/{user.Username}", new PermissionInfo(user.Username, ApiMapper.RoleName(role)));
    }

    /// <summary>A known team, or a directory group not yet seen (no member signed in yet), looked up by name and recorded as a team.</summary>
    private static async Task<Team> FindOrMapTeamAsync(string requested, TeamStore teams, DirectoryAccounts directory, CancellationToken cancellationToken)
    {
        var name = TeamName.Normalize(requested);
        if (TeamName.Validate(name) is { } invalid)
        {
            throw Problems.Invalid(invalid);
        }

        if (await teams.FindAsync(name, cancellationToken).ConfigureAwait(false) is { } known)
        {
            return known;
        }

        var group = directory.Enabled ? await directory.FindGroupAsync(name, cancellationToken).ConfigureAwait(false) : null;
        if (group is null)
        {
            throw Problems.Invalid(directory.Enabled
                ? $"there is no team named '{name}', and the directory has no group of that name: check 'paas teams', or create a platform team with 'paas teams:create {name}'"
                : $"there is no team named '{name}': create it with 'paas teams:create {name}' (admins)");
        }

        return await teams.CreateAsync(name, TeamSource.Directory, group.Dn, cancellationToken).ConfigureAwait(false)
            ?? await teams.FindAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException($"team {name} was neither created nor found");
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

    private static async Task<NoContent> RevokeTeamAsync(string app, string team, HttpContext context, AppAccess access, TeamStore teams, PermissionStore permissions, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.Admin, cancellationToken).ConfigureAwait(false);
        var known = await teams.FindAsync(TeamName.Normalize(team), cancellationToken).ConfigureAwait(false);
        if (known is null || !await permissions.RevokeTeamAsync(found.Id, known.Id, cancellationToken).ConfigureAwait(false))
        {
            throw Problems.NotFound($"{app} is not shared with the team '{team}'");
        }

        return TypedResults.NoContent();
    }
}

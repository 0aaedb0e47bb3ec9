using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Paas.Client;
using Paas.Data;
using Paas.Domain;

namespace Paas.Controller;

/// <summary>
/// The <c>/v2/teams</c> routes: teams the caller belongs to (every team for admins), one team's members and apps, and
/// platform-defined teams (admins create them and manage their members). Directory teams' members come from the
/// directory and cannot be changed here.
/// </summary>
internal static class TeamsApi
{
    public static IEndpointRouteBuilder MapTeamsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v2/teams").WithTags("Teams").RequireAuthorization();
        group.MapGet("/", ListAsync).WithSummary("The caller's teams (every team for platform admins).");
        group.MapPost("/", CreateAsync).WithSummary("Defines a platform team. Admins only.");
        group.MapGet("/{team}", GetAsync).WithSummary("A team's members and the apps shared with it. Members and admins.");
        group.MapDelete("/{team}", DeleteAsync).WithSummary("Deletes a platform team and its app access. Admins only.");
        group.MapPost("/{team}/members", AddMemberAsync).WithSummary("Adds a user to a platform team. Admins only.");
        group.MapDelete("/{team}/members/{username}", RemoveMemberAsync).WithSummary("Removes a user from a platform team. Admins only.");
        return endpoints;
    }

    private static async Task<Ok<PagedList<TeamInfo>>> ListAsync(int? limit, int? offset, HttpContext context, TeamStore teams, CancellationToken cancellationToken)
    {
        var paging = Paging.From(limit, offset);
        var user = context.PaasUser();
        var (count, list) = await teams.ListAsync(user.IsAdmin ? null : user.Id, paging.Limit, paging.Offset, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(paging.Page(context.Request, count, [.. list.Select(t => t.Team.ToInfo(t.Members))]));
    }

    private static async Task<Created<TeamInfo>> CreateAsync(TeamCreateRequest request, HttpContext context, TeamStore teams, CancellationToken cancellationToken)
    {
        UsersApi.RequireAdmin(context);
        var name = TeamName.Normalize(request.Name);
        if (TeamName.Validate(name) is { } invalid)
        {
            throw Problems.Invalid(invalid);
        }

        var team = await teams.CreateAsync(name, TeamSource.Platform, null, cancellationToken).ConfigureAwait(false)
            ?? throw Problems.Conflict($"there is already a team named '{name}'");
        return TypedResults.Created($"/v2/teams/{Uri.EscapeDataString(team.Name)}", team.ToInfo(0));
    }

    private static async Task<Ok<TeamDetail>> GetAsync(string team, HttpContext context, TeamStore teams, PermissionStore permissions, CancellationToken cancellationToken)
    {
        var user = context.PaasUser();
        var found = await FindAsync(teams, team, cancellationToken).ConfigureAwait(false);
        if (!user.IsAdmin && !await teams.IsMemberAsync(found.Id, user.Id, cancellationToken).ConfigureAwait(false))
        {
            throw Problems.Forbidden($"you are not a member of the team {found.Name}: only its members and platform admins may see it");
        }

        var members = await teams.MembersAsync(found.Id, cancellationToken).ConfigureAwait(false);
        var apps = await permissions.AppsOfTeamAsync(found.Id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new TeamDetail(found.Name, ApiMapper.SourceName(found.Source), found.DirectoryDn, members, [.. apps.Select(a => new TeamAppAccess(a.App, ApiMapper.RoleName(a.Role)))], found.CreatedAt));
    }

    private static async Task<NoContent> DeleteAsync(string team, HttpContext context, TeamStore teams, CancellationToken cancellationToken)
    {
        UsersApi.RequireAdmin(context);
        var found = await FindPlatformTeamAsync(teams, team, cancellationToken).ConfigureAwait(false);
        await teams.DeleteAsync(found.Id, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<Created<TeamMemberRequest>> AddMemberAsync(string team, TeamMemberRequest request, HttpContext context, TeamStore teams, UserStore users, CancellationToken cancellationToken)
    {
        UsersApi.RequireAdmin(context);
        var found = await FindPlatformTeamAsync(teams, team, cancellationToken).ConfigureAwait(false);
        var name = request.Username?.Trim().ToLowerInvariant() ?? "";
        var user = await users.FindAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw Problems.Invalid($"there is no user named '{request.Username}' (directory users can be added ahead with 'paas users:add')");
        await teams.AddMemberAsync(found.Id, user.Id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/v2/teams/{Uri.EscapeDataString(found.Name)}/members/{user.Username}", new TeamMemberRequest(user.Username));
    }

    private static async Task<NoContent> RemoveMemberAsync(string team, string username, HttpContext context, TeamStore teams, UserStore users, CancellationToken cancellationToken)
    {
        UsersApi.RequireAdmin(context);
        var found = await FindPlatformTeamAsync(teams, team, cancellationToken).ConfigureAwait(false);
        var user = await users.FindAsync(username.ToLowerInvariant(), cancellationToken).ConfigureAwait(false);
        if (user is null || !await teams.RemoveMemberAsync(found.Id, user.Id, cancellationToken).ConfigureAwait(false))
        {
            throw Problems.NotFound($"'{username}' is not a member of the team {found.Name}");
        }

        return TypedResults.NoContent();
    }

    private static async Task<Team> FindAsync(TeamStore teams, string name, CancellationToken cancellationToken) =>
        await teams.FindAsync(TeamName.Normalize(name), cancellationToken).ConfigureAwait(false)
            ?? throw Problems.NotFound($"there is no team named '{name}': run 'paas teams' to list yours");

    private static async Task<Team> FindPlatformTeamAsync(TeamStore teams, string name, CancellationToken cancellationToken)
    {
        var team = await FindAsync(teams, name, cancellationToken).ConfigureAwait(false);
        return team.Source == TeamSource.Directory
            ? throw Problems.Conflict($"{team.Name} is a directory group ({team.DirectoryDn}): its members are managed in the directory, not on the platform")
            : team;
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Paas.Client;
using Paas.Data;
using Paas.Domain;

namespace Paas.Controller;

/// <summary>The <c>/v2/users</c> routes (platform admins only): every user with their source and teams (<c>paas users</c>), and adding a directory user ahead of sign-in.</summary>
internal static class UsersApi
{
    public static IEndpointRouteBuilder MapUsersApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v2/users").WithTags("Users").RequireAuthorization();
        group.MapGet("/", ListAsync).WithSummary("Every user, with source (local or directory), admin flag, state and teams. Admins only.");
        group.MapPost("/", CreateAsync).WithSummary("Adds a directory user ahead of its first sign-in (so apps can be shared with it). Admins only.");
        return endpoints;
    }

    private static async Task<Ok<PagedList<UserInfo>>> ListAsync(int? limit, int? offset, HttpContext context, UserStore users, TeamStore teams, CancellationToken cancellationToken)
    {
        RequireAdmin(context);
        var paging = Paging.From(limit, offset);
        var (count, page) = await users.ListAsync(paging.Limit, paging.Offset, cancellationToken).ConfigureAwait(false);
        var memberships = (await teams.MembershipsAsync([.. page.Select(u => u.Id)], cancellationToken).ConfigureAwait(false))
            .ToLookup(m => m.Username, m => m.Team, StringComparer.Ordinal);
        return TypedResults.Ok(paging.Page(context.Request, count, [.. page.Select(u => u.ToInfo([.. memberships[u.Username]]))]));
    }

    private static async Task<Created<UserInfo>> CreateAsync(UserCreateRequest request, HttpContext context, UserStore users, DirectoryAccounts directory, CancellationToken cancellationToken)
    {
        RequireAdmin(context);
        if (!directory.Enabled)
        {
            throw Problems.Invalid("no directory (LDAP/AD) is configured, so there are no directory users to add: use 'paas register' for a local user");
        }

        var username = request.Username?.Trim().ToLowerInvariant();
        if (Username.Validate(username) is { } invalid)
        {
            throw Problems.Invalid(invalid);
        }

        var user = await users.CreateDirectoryUserAsync(username!, cancellationToken).ConfigureAwait(false)
            ?? throw Problems.Conflict($"the username '{username}' is taken");
        return TypedResults.Created($"/v2/users/{user.Username}", user.ToInfo([]));
    }

    public static void RequireAdmin(HttpContext context)
    {
        if (!context.PaasUser().IsAdmin)
        {
            throw Problems.Forbidden("only platform admins may do this");
        }
    }
}

namespace Paas.Client;

/// <summary>Teams, users (admins) and sharing apps with teams.</summary>
public sealed partial class PaasClient
{
    /// <summary><c>DELETE /v2/apps/{app}/perms/teams/{team}</c>: stops sharing an app with a team (app admins).</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="team">The team's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    /// <exception cref="PaasApiException">The API answered an error (404 when the app is not shared with the team).</exception>
    public Task DeleteTeamPermissionAsync(string app, string team, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, AppPath(app, "perms/teams/" + Uri.EscapeDataString(team)), null, cancellationToken);

    /// <summary><c>GET /v2/teams</c>, every page: the caller's teams (every team for platform admins).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The teams, by name.</returns>
    /// <exception cref="PaasApiException">The API answered an error.</exception>
    public Task<PagedList<TeamInfo>> ListTeamsAsync(CancellationToken cancellationToken = default) =>
        ListAllAsync<TeamInfo>("v2/teams", cancellationToken);

    /// <summary><c>GET /v2/teams/{team}</c>: a team's members and apps (members and admins).</summary>
    /// <param name="team">The team's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The team.</returns>
    /// <exception cref="PaasApiException">The API answered an error (404 unknown team, 403 not a member).</exception>
    public Task<TeamDetail> GetTeamAsync(string team, CancellationToken cancellationToken = default) =>
        SendAsync<TeamDetail>(HttpMethod.Get, "v2/teams/" + Uri.EscapeDataString(team), null, cancellationToken);

    /// <summary><c>POST /v2/teams</c>: defines a platform team (admins).</summary>
    /// <param name="name">The team's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The team.</returns>
    /// <exception cref="PaasApiException">The API answered an error (400 bad name, 409 taken, 403 not an admin).</exception>
    public Task<TeamInfo> CreateTeamAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<TeamInfo>(HttpMethod.Post, "v2/teams", new TeamCreateRequest(name), cancellationToken);

    /// <summary><c>DELETE /v2/teams/{team}</c>: deletes a platform team and the access it gave (admins).</summary>
    /// <param name="team">The team's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    /// <exception cref="PaasApiException">The API answered an error (409 for a directory team).</exception>
    public Task DeleteTeamAsync(string team, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, "v2/teams/" + Uri.EscapeDataString(team), null, cancellationToken);

    /// <summary><c>POST /v2/teams/{team}/members</c>: adds a user to a platform team (admins).</summary>
    /// <param name="team">The team's name.</param>
    /// <param name="username">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    /// <exception cref="PaasApiException">The API answered an error (409 for a directory team).</exception>
    public Task AddTeamMemberAsync(string team, string username, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, "v2/teams/" + Uri.EscapeDataString(team) + "/members", new TeamMemberRequest(username), cancellationToken);

    /// <summary><c>DELETE /v2/teams/{team}/members/{username}</c>: removes a user from a platform team (admins).</summary>
    /// <param name="team">The team's name.</param>
    /// <param name="username">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    /// <exception cref="PaasApiException">The API answered an error (404 not a member).</exception>
    public Task RemoveTeamMemberAsync(string team, string username, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, "v2/teams/" + Uri.EscapeDataString(team) + "/members/" + Uri.EscapeDataString(username), null, cancellationToken);

    /// <summary><c>GET /v2/users</c>, every page: every user with source, state and teams (admins).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The users, by username.</returns>
    /// <exception cref="PaasApiException">The API answered an error (403 not an admin).</exception>
    public Task<PagedList<UserInfo>> ListUsersAsync(CancellationToken cancellationToken = default) =>
        ListAllAsync<UserInfo>("v2/users", cancellationToken);

    /// <summary><c>POST /v2/users</c>: adds a directory user ahead of its first sign-in (admins).</summary>
    /// <param name="username">The user's platform username (the directory's username attribute, lower case).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user.</returns>
    /// <exception cref="PaasApiException">The API answered an error (400 when no directory is configured, 409 taken).</exception>
    public Task<UserInfo> CreateDirectoryUserAsync(string username, CancellationToken cancellationToken = default) =>
        SendAsync<UserInfo>(HttpMethod.Post, "v2/users", new UserCreateRequest(username), cancellationToken);
}

using Dapper;
using Paas.Domain;

namespace Paas.Data;

/// <summary>Who an app is shared with, and in which <see cref="AppRole"/>.</summary>
public sealed class PermissionStore
{
    private readonly PaasDatabase _database;

    /// <summary>Creates the store.</summary>
    /// <param name="database">The database.</param>
    public PermissionStore(PaasDatabase database)
    {
        _database = database;
    }

    /// <summary>
    /// A user's effective role on an app: platform admins and the app's owner are admins of it; anyone else has the
    /// highest of the role the app was shared with them in and the roles it was shared with their teams in, or none.
    /// Every part that checks access (the API, the registry, and the git endpoint through the API) asks this.
    /// </summary>
    /// <param name="app">The app.</param>
    /// <param name="user">The user.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The role, or null when the user has no access.</returns>
    public async Task<AppRole?> RoleOfAsync(App app, User user, CancellationToken cancellationToken)
    {
        if (user.IsAdmin || app.OwnerId == user.Id)
        {
            return AppRole.Admin;
        }

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var roles = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT role FROM app_permissions WHERE app_id = @appId AND user_id = @userId"
            + " UNION ALL SELECT p.role FROM app_team_permissions p JOIN team_members m ON m.team_id = p.team_id WHERE p.app_id = @appId AND m.user_id = @userId",
            new { appId = app.Id, userId = user.Id },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return roles.Select(r => (AppRole?)Enum.Parse<AppRole>(r, ignoreCase: true)).Max();
    }

    /// <summary>Lists who an app is shared with, by username.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>(username, role) pairs.</returns>
    public async Task<IReadOnlyList<(string Username, AppRole Role)>> ListAsync(string appId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string, string)>(new CommandDefinition(
            "SELECT u.username, p.role FROM app_permissions p JOIN users u ON u.id = p.user_id WHERE p.app_id = @appId ORDER BY u.username",
            new { appId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => (r.Item1, Enum.Parse<AppRole>(r.Item2, ignoreCase: true)))];
    }

    /// <summary>Shares an app with a user, or changes the user's role.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="userId">The user's id.</param>
    /// <param name="role">The role.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task GrantAsync(string appId, string userId, AppRole role, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO app_permissions (app_id, user_id, role, created_at) VALUES (@appId, @userId, @role, @now) ON CONFLICT (app_id, user_id) DO UPDATE SET role = excluded.role",
            new { appId, userId, role = role.ToString().ToLowerInvariant(), now = DateTimeOffset.UtcNow },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Takes a user's access to an app away.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="userId">The user's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the user had access.</returns>
    public async Task<bool> RevokeAsync(string appId, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM app_permissions WHERE app_id = @appId AND user_id = @userId", new { appId, userId }, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
    }

    /// <summary>Lists the teams an app is shared with, by team name.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>(team name, role) pairs.</returns>
    public async Task<IReadOnlyList<(string Team, AppRole Role)>> ListTeamsAsync(string appId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string, string)>(new CommandDefinition(
            "SELECT t.name, p.role FROM app_team_permissions p JOIN teams t ON t.id = p.team_id WHERE p.app_id = @appId ORDER BY t.name",
            new { appId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => (r.Item1, Enum.Parse<AppRole>(r.Item2, ignoreCase: true)))];
    }

    /// <summary>Lists the apps a team was given access to, by app name.</summary>
    /// <param name="teamId">The team's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>(app name, role) pairs.</returns>
    public async Task<IReadOnlyList<(string App, AppRole Role)>> AppsOfTeamAsync(string teamId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<(string, string)>(new CommandDefinition(
            "SELECT a.name, p.role FROM app_team_permissions p JOIN apps a ON a.id = p.app_id WHERE p.team_id = @teamId ORDER BY a.name",
            new { teamId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => (r.Item1, Enum.Parse<AppRole>(r.Item2, ignoreCase: true)))];
    }

    /// <summary>Shares an app with a team, or changes the team's role; every member gets it.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="teamId">The team's id.</param>
    /// <param name="role">The role.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task GrantTeamAsync(string appId, string teamId, AppRole role, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO app_team_permissions (app_id, team_id, role, created_at) VALUES (@appId, @teamId, @role, @now) ON CONFLICT (app_id, team_id) DO UPDATE SET role = excluded.role",
            new { appId, teamId, role = role.ToString().ToLowerInvariant(), now = DateTimeOffset.UtcNow },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Takes a team's access to an app away (members keep what they were given directly).</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="teamId">The team's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the team had access.</returns>
    public async Task<bool> RevokeTeamAsync(string appId, string teamId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM app_team_permissions WHERE app_id = @appId AND team_id = @teamId", new { appId, teamId }, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
    }
}

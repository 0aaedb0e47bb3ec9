using Dapper;
using Paas.Domain;

namespace Paas.Data;

/// <summary>Teams and their members. Directory teams' members are written by <see cref="UserStore.SyncDirectoryAccountAsync"/>; platform teams' here.</summary>
public sealed class TeamStore
{
    private const string Columns = "id, name, source, directory_dn, created_at";
    private readonly PaasDatabase _database;

    /// <summary>Creates the store.</summary>
    /// <param name="database">The database.</param>
    public TeamStore(PaasDatabase database)
    {
        _database = database;
    }

    /// <summary>Adds a team.</summary>
    /// <param name="name">A valid, normalised name (<see cref="TeamName"/>).</param>
    /// <param name="source">Platform-defined, or a directory group known ahead of its members' sign-in.</param>
    /// <param name="directoryDn">The group's DN, for a directory team.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The team, or null when the name is taken.</returns>
    public async Task<Team?> CreateAsync(string name, TeamSource source, string? directoryDn, CancellationToken cancellationToken)
    {
        var team = new Team(Ids.New(), name, source, directoryDn, DateTimeOffset.UtcNow);
        var inserted = await UniqueInsert.TryAsync(
            async () =>
            {
                await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(
                    $"INSERT INTO teams ({Columns}) VALUES (@Id, @Name, @source, @DirectoryDn, @CreatedAt)",
                    new { team.Id, team.Name, source = SourceText(source), team.DirectoryDn, team.CreatedAt },
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
            },
            async () => await FindAsync(name, cancellationToken).ConfigureAwait(false) is not null).ConfigureAwait(false);
        return inserted ? team : null;
    }

    /// <summary>Finds a team by its normalised name.</summary>
    /// <param name="name">The name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The team, or null.</returns>
    public async Task<Team?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<TeamRow>(new CommandDefinition($"SELECT {Columns} FROM teams WHERE name = @name", new { name }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToTeam();
    }

    /// <summary>Lists teams with their member counts, by name: every team, or only those <paramref name="memberId"/> belongs to.</summary>
    /// <param name="memberId">A user's id, or null for all teams.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>(team, member count) pairs.</returns>
    public async Task<IReadOnlyList<(Team Team, int Members)>> ListAsync(string? memberId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var sql = "SELECT t.id, t.name, t.source, t.directory_dn, t.created_at, (SELECT COUNT(*) FROM team_members c WHERE c.team_id = t.id) AS members FROM teams t"
            + (memberId is null ? "" : " WHERE t.id IN (SELECT team_id FROM team_members WHERE user_id = @memberId)")
            + " ORDER BY t.name";
        var rows = await connection.QueryAsync<TeamRow>(new CommandDefinition(sql, new { memberId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => (r.ToTeam(), (int)r.Members))];
    }

    /// <summary>One page of <see cref="ListAsync(string?, CancellationToken)"/>, paged by the database (<c>GET /v2/teams</c>).</summary>
    /// <param name="memberId">A user's id, or null for all teams.</param>
    /// <param name="limit">The page size.</param>
    /// <param name="offset">How many teams come before the page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number of teams and the page of (team, member count) pairs.</returns>
    public async Task<(int Count, IReadOnlyList<(Team Team, int Members)> Page)> ListAsync(string? memberId, int limit, int offset, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var where = memberId is null ? "" : " WHERE t.id IN (SELECT team_id FROM team_members WHERE user_id = @memberId)";
        var args = new { memberId, limit, offset };
        var count = await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM teams t" + where, args, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var rows = await connection.QueryAsync<TeamRow>(new CommandDefinition(
            "SELECT t.id, t.name, t.source, t.directory_dn, t.created_at, (SELECT COUNT(*) FROM team_members c WHERE c.team_id = t.id) AS members FROM teams t"
            + where + " ORDER BY t.name LIMIT @limit OFFSET @offset", args, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return (count, [.. rows.Select(r => (r.ToTeam(), (int)r.Members))]);
    }

    /// <summary>The usernames of a team's members, sorted.</summary>
    /// <param name="teamId">The team's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The usernames.</returns>
    public async Task<IReadOnlyList<string>> MembersAsync(string teamId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT u.username FROM team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = @teamId ORDER BY u.username",
            new { teamId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows];
    }

    /// <summary>The memberships of some users, as (username, team name) pairs sorted by team name (for a page of <c>paas users</c>).</summary>
    /// <param name="userIds">The users' ids (a page: at most a few hundred).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The pairs.</returns>
    public async Task<IReadOnlyList<(string Username, string Team)>> MembershipsAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken)
    {
        if (userIds.Count == 0)
        {
            return [];
        }

        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var parameters = new DynamicParameters();
        var names = new List<string>(userIds.Count);
        for (var i = 0; i < userIds.Count; i++)
        {
            parameters.Add("u" + i, userIds[i]);
            names.Add("@u" + i);
        }

        var rows = await connection.QueryAsync<(string, string)>(new CommandDefinition(
            $"SELECT u.username, t.name FROM team_members m JOIN users u ON u.id = m.user_id JOIN teams t ON t.id = m.team_id WHERE m.user_id IN ({string.Join(", ", names)}) ORDER BY t.name",
            parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows];
    }

    /// <summary>Whether a user is a member of a team.</summary>
    /// <param name="teamId">The team's id.</param>
    /// <param name="userId">The user's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True when a member.</returns>
    public async Task<bool> IsMemberAsync(string teamId, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM team_members WHERE team_id = @teamId AND user_id = @userId", new { teamId, userId }, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
    }

    /// <summary>Adds a member to a team (nothing happens when already one).</summary>
    /// <param name="teamId">The team's id.</param>
    /// <param name="userId">The user's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task AddMemberAsync(string teamId, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO team_members (team_id, user_id, created_at) VALUES (@teamId, @userId, @now) ON CONFLICT (team_id, user_id) DO NOTHING",
            new { teamId, userId, now = DateTimeOffset.UtcNow },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Removes a member from a team.</summary>
    /// <param name="teamId">The team's id.</param>
    /// <param name="userId">The user's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether the user was a member.</returns>
    public async Task<bool> RemoveMemberAsync(string teamId, string userId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM team_members WHERE team_id = @teamId AND user_id = @userId", new { teamId, userId }, cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
    }

    /// <summary>Deletes a team, its memberships and the apps shared with it, in one transaction.</summary>
    /// <param name="teamId">The team's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task DeleteAsync(string teamId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var sql in new[] { "DELETE FROM app_team_permissions WHERE team_id = @teamId", "DELETE FROM domain_reservations WHERE team_id = @teamId", "DELETE FROM team_members WHERE team_id = @teamId", "DELETE FROM teams WHERE id = @teamId" })
        {
            await connection.ExecuteAsync(new CommandDefinition(sql, new { teamId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string SourceText(TeamSource source) => source == TeamSource.Directory ? "directory" : "platform";

    private sealed class TeamRow
    {
        public string Id { get; set; } = "";

        public string Name { get; set; } = "";

        public string Source { get; set; } = "";

        public string? DirectoryDn { get; set; }

        public DateTimeOffset CreatedAt { get; set; }

        public long Members { get; set; }

        public Team ToTeam() => new(Id, Name, Source == "directory" ? TeamSource.Directory : TeamSource.Platform, DirectoryDn, CreatedAt);
    }
}

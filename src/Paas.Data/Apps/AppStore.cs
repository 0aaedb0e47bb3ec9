using System.Data.Common;
using Dapper;
using Paas.Domain;

namespace Paas.Data;

/// <summary>Apps: creation (with their initial release v1), lookup, listing, transfer and destruction.</summary>
public sealed class AppStore
{
    private const string Select = "SELECT a.id, a.name, a.owner_id, u.username AS owner, a.created_at, a.updated_at FROM apps a JOIN users u ON u.id = a.owner_id";
    private readonly PaasDatabase _database;

    /// <summary>Creates the store.</summary>
    /// <param name="database">The database.</param>
    public AppStore(PaasDatabase database)
    {
        _database = database;
    }

    /// <summary>
    /// Creates an app owned by <paramref name="owner"/>, with an empty config and its first release v1
    /// ("alice created initial release"), in one transaction.
    /// </summary>
    /// <param name="name">A valid app name.</param>
    /// <param name="owner">The owner.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The app, or null when the name is taken.</returns>
    public async Task<App?> CreateAsync(string name, User owner, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var taken = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM apps WHERE name = @name", new { name }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (taken > 0)
        {
            return null;
        }

        var now = DateTimeOffset.UtcNow;
        var app = new App(Ids.New(), name, owner.Id, owner.Username, now, now);
        var configId = Ids.New();
        var created = await UniqueInsert.TryAsync(
            async () =>
            {
                await Execute(connection, transaction, "INSERT INTO apps (id, name, owner_id, created_at, updated_at) VALUES (@Id, @Name, @OwnerId, @CreatedAt, @UpdatedAt)", app, cancellationToken).ConfigureAwait(false);
                await Execute(connection, transaction, "INSERT INTO configs (id, app_id, vars, created_by, created_at) VALUES (@configId, @appId, '{}', @user, @now)", new { configId, appId = app.Id, user = owner.Username, now }, cancellationToken).ConfigureAwait(false);
                await Execute(
                    connection,
                    transaction,
                    "INSERT INTO releases (id, app_id, version, build_id, config_id, summary, created_by, state, failure_reason, created_at) VALUES (@id, @appId, 1, NULL, @configId, @summary, @user, 'succeeded', NULL, @now)",
                    new { id = Ids.New(), appId = app.Id, configId, summary = ReleaseSummary.Initial(owner.Username), user = owner.Username, now },
                    cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            },
            () => ExistsAsync(name, cancellationToken)).ConfigureAwait(false); // false: lost a race for the name (PostgreSQL unique violation)
        if (!created)
        {
            return null;
        }

        await _database.RouteChanges.NotifyAsync(connection).ConfigureAwait(false); // APP.DOMAIN routes now
        return app;
    }

    /// <summary>Finds an app by name.</summary>
    /// <param name="name">The app's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The app, or null.</returns>
    public async Task<App?> FindAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<AppRow>(new CommandDefinition($"{Select} WHERE a.name = @name", new { name }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToApp();
    }

    /// <summary>
    /// One page of the apps a user owns or has been given access to, directly or through a team (every app for a platform
    /// admin), by name: the database counts and pages, so a page costs the same at 10 apps and at 10,000.
    /// </summary>
    /// <param name="user">The user.</param>
    /// <param name="limit">The page size (at least 1).</param>
    /// <param name="offset">How many apps to skip.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many apps there are in all, and the page.</returns>
    public async Task<(int Count, IReadOnlyList<App> Page)> ListAsync(User user, int limit, int offset, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var where = user.IsAdmin
            ? ""
            : " WHERE a.owner_id = @userId OR a.id IN (SELECT app_id FROM app_permissions WHERE user_id = @userId)"
                + " OR a.id IN (SELECT p.app_id FROM app_team_permissions p JOIN team_members m ON m.team_id = p.team_id WHERE m.user_id = @userId)";
        var args = new { userId = user.Id, limit, offset };
        var count = await connection.ExecuteScalarAsync<int>(new CommandDefinition($"SELECT COUNT(*) FROM apps a{where}", args, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var rows = await connection.QueryAsync<AppRow>(new CommandDefinition($"{Select}{where} ORDER BY a.name LIMIT @limit OFFSET @offset", args, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return (count, [.. rows.Select(r => r.ToApp())]);
    }

    /// <summary>Lists every app, by name (for the router's route table).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The apps.</returns>
    public async Task<IReadOnlyList<App>> ListAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<AppRow>(new CommandDefinition($"{Select} ORDER BY a.name", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToApp())];
    }

    /// <summary>Gives the app to another user (the previous owner keeps no access unless shared).</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="newOwnerId">The new owner's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task TransferAsync(string appId, string newOwnerId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE apps SET owner_id = @newOwnerId WHERE id = @appId", new { appId, newOwnerId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Deletes the app and everything recorded for it (releases, builds, configs, formation, autoscale policies, user and team permissions, domains, registry credentials).</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task DeleteAsync(string appId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var table in new[] { "releases", "configs", "builds", "formations", "autoscale_policies", "app_permissions", "app_team_permissions", "domains", "app_registry_credentials" })
        {
            await Execute(connection, transaction, $"DELETE FROM {table} WHERE app_id = @appId", new { appId }, cancellationToken).ConfigureAwait(false);
        }

        await Execute(connection, transaction, "DELETE FROM apps WHERE id = @appId", new { appId }, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        await _database.RouteChanges.NotifyAsync(connection).ConfigureAwait(false);
    }

    private async Task<bool> ExistsAsync(string name, CancellationToken cancellationToken) =>
        await FindAsync(name, cancellationToken).ConfigureAwait(false) is not null;

    private static Task<int> Execute(DbConnection connection, DbTransaction transaction, string sql, object args, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(sql, args, transaction, cancellationToken: cancellationToken));

    private sealed class AppRow
    {
        public string Id { get; set; } = "";

        public string Name { get; set; } = "";

        public string OwnerId { get; set; } = "";

        public string Owner { get; set; } = "";

        public DateTimeOffset CreatedAt { get; set; }

        public DateTimeOffset UpdatedAt { get; set; }

        public App ToApp() => new(Id, Name, OwnerId, Owner, CreatedAt, UpdatedAt);
    }
}

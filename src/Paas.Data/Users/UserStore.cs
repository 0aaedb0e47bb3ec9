using Dapper;
using Paas.Domain;

namespace Paas.Data;

/// <summary>Users and their API tokens (stored only as SHA-256 hashes).</summary>
public sealed class UserStore
{
    private const string Columns = "id, username, email, password_hash, is_admin, is_active, created_at, source, display_name, directory_dn, synced_at";
    private readonly PaasDatabase _database;

    /// <summary>Creates the store.</summary>
    /// <param name="database">The database.</param>
    public UserStore(PaasDatabase database)
    {
        _database = database;
    }

    /// <summary>
    /// Adds a user. When <paramref name="firstBecomesAdmin"/> is set and no user exists yet, the new user is made a
    /// platform admin; the check and the insert are one transaction, so two simultaneous first registrations
    /// cannot both become admin.
    /// </summary>
    /// <param name="username">A valid, lower-case username.</param>
    /// <param name="email">E-mail address, or null.</param>
    /// <param name="passwordHash">The password hash, or null for directory users.</param>
    /// <param name="isAdmin">Make the user an admin regardless.</param>
    /// <param name="firstBecomesAdmin">Make the user an admin if it is the first.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user, or null when the username is taken.</returns>
    public async Task<User?> CreateAsync(string username, string? email, string? passwordHash, bool isAdmin, bool firstBecomesAdmin, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (_database.Dialect == SqlDialect.PostgreSql)
        {
            await connection.ExecuteAsync(new CommandDefinition("LOCK TABLE users IN SHARE ROW EXCLUSIVE MODE", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        var taken = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM users WHERE username = @username", new { username }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (taken > 0)
        {
            return null;
        }

        var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM users", transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        var user = new User(Ids.New(), username, email, passwordHash, isAdmin || (firstBecomesAdmin && count == 0), IsActive: true, DateTimeOffset.UtcNow);
        await connection.ExecuteAsync(new CommandDefinition(
            $"INSERT INTO users ({Columns}) VALUES (@Id, @Username, @Email, @PasswordHash, @IsAdmin, @IsActive, @CreatedAt, @Source, @DisplayName, @DirectoryDn, @SyncedAt)",
            UserRow.From(user),
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return user;
    }

    /// <summary>How many users exist.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The count.</returns>
    public async Task<int> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return (int)await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM users", cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Finds a user by username.</summary>
    /// <param name="username">The username.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user, or null.</returns>
    public async Task<User?> FindAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition($"SELECT {Columns} FROM users WHERE username = @username", new { username }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row?.ToUser();
    }

    /// <summary>Replaces a user's password hash.</summary>
    /// <param name="userId">The user's id.</param>
    /// <param name="passwordHash">The new hash.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task SetPasswordHashAsync(string userId, string passwordHash, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE users SET password_hash = @passwordHash WHERE id = @userId", new { userId, passwordHash }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Records a token (by its hash) for a user.</summary>
    /// <param name="userId">The user's id.</param>
    /// <param name="tokenHash">The token's SHA-256, hex.</param>
    /// <param name="revokeOthers">Delete the user's other tokens in the same transaction (token regeneration).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task AddTokenAsync(string userId, string tokenHash, bool revokeOthers, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (revokeOthers)
        {
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM tokens WHERE user_id = @userId", new { userId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO tokens (token_hash, user_id, created_at) VALUES (@tokenHash, @userId, @now)",
            new { tokenHash, userId, now = DateTimeOffset.UtcNow },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Finds the active user holding a token.</summary>
    /// <param name="tokenHash">The token's SHA-256, hex.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user, or null when the token is unknown, revoked, or its user disabled.</returns>
    public async Task<User?> FindByTokenAsync(string tokenHash, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            "SELECT u.id, u.username, u.email, u.password_hash, u.is_admin, u.is_active, u.created_at, u.source, u.display_name, u.directory_dn, u.synced_at FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = @tokenHash",
            new { tokenHash },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var user = row?.ToUser();
        return user is { IsActive: true } ? user : null;
    }

    /// <summary>
    /// Adds a directory user (no password: it is checked by the directory), when it signs in for the first time or an
    /// admin adds it ahead (<c>paas users:add</c>). Its DN and groups are recorded by <see cref="SyncDirectoryAccountAsync"/>.
    /// </summary>
    /// <param name="username">A valid, lower-case username.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user, or null when the username is taken.</returns>
    public async Task<User?> CreateDirectoryUserAsync(string username, CancellationToken cancellationToken)
    {
        var user = new User(Ids.New(), username, Email: null, PasswordHash: null, IsAdmin: false, IsActive: true, DateTimeOffset.UtcNow) { Source = UserSource.Directory };
        var inserted = await UniqueInsert.TryAsync(
            async () =>
            {
                await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(
                    $"INSERT INTO users ({Columns}) VALUES (@Id, @Username, @Email, @PasswordHash, @IsAdmin, @IsActive, @CreatedAt, @Source, @DisplayName, @DirectoryDn, @SyncedAt)",
                    UserRow.From(user),
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
            },
            async () => await FindAsync(username, cancellationToken).ConfigureAwait(false) is not null).ConfigureAwait(false);
        return inserted ? user : null;
    }

    /// <summary>
    /// Records what the directory says of a user, in one transaction: its DN, e-mail, display name and admin flag, the
    /// time of the read, the account active again; and its directory teams made to match <see cref="DirectoryState.Groups"/>
    /// (teams created as needed, memberships of other directory teams removed). Platform-defined teams are left alone,
    /// and a group whose name is a platform team's is not mapped onto it.
    /// </summary>
    /// <param name="userId">The user's id.</param>
    /// <param name="state">What the directory answered.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user as now stored.</returns>
    public async Task<User> SyncDirectoryAccountAsync(string userId, DirectoryState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET email = @Email, display_name = @DisplayName, directory_dn = @Dn, is_admin = @IsAdmin, is_active = @active, synced_at = @SyncedAt WHERE id = @userId",
            new { state.Email, state.DisplayName, state.Dn, state.IsAdmin, active = true, state.SyncedAt, userId },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);

        foreach (var group in state.Groups)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO teams (id, name, source, directory_dn, created_at) VALUES (@id, @Name, @source, @Dn, @now) ON CONFLICT (name) DO NOTHING",
                new { id = Ids.New(), group.Name, source = "directory", group.Dn, now = state.SyncedAt },
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        var names = state.Groups.Select(g => g.Name).ToArray();
        var wanted = names.Length == 0
            ? []
            : (await connection.QueryAsync<string>(new CommandDefinition(
                $"SELECT id FROM teams WHERE source = 'directory' AND name IN ({string.Join(", ", names.Select((_, i) => "@n" + i))})",
                Parameters(names),
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var current = (await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT m.team_id FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.user_id = @userId AND t.source = 'directory'",
            new { userId },
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        foreach (var teamId in current.Except(wanted))
        {
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM team_members WHERE team_id = @teamId AND user_id = @userId", new { teamId, userId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        foreach (var teamId in wanted.Except(current))
        {
            await connection.ExecuteAsync(new CommandDefinition("INSERT INTO team_members (team_id, user_id, created_at) VALUES (@teamId, @userId, @now)", new { teamId, userId, now = state.SyncedAt }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        var row = await connection.QuerySingleAsync<UserRow>(new CommandDefinition($"SELECT {Columns} FROM users WHERE id = @userId", new { userId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return row.ToUser();
    }

    /// <summary>Disables a user (a directory account that was deleted or disabled): its tokens stop working at once; a later successful sign-in enables it again.</summary>
    /// <param name="userId">The user's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task DeactivateAsync(string userId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("UPDATE users SET is_active = @inactive WHERE id = @userId", new { inactive = false, userId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>One page of the users, by username (<c>GET /v2/users</c>).</summary>
    /// <param name="limit">The page size.</param>
    /// <param name="offset">How many users come before the page.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The number of users and the page.</returns>
    public async Task<(int Count, IReadOnlyList<User> Page)> ListAsync(int limit, int offset, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var count = await connection.ExecuteScalarAsync<int>(new CommandDefinition("SELECT COUNT(*) FROM users", cancellationToken: cancellationToken)).ConfigureAwait(false);
        var rows = await connection.QueryAsync<UserRow>(new CommandDefinition($"SELECT {Columns} FROM users ORDER BY username LIMIT @limit OFFSET @offset", new { limit, offset }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return (count, [.. rows.Select(r => r.ToUser())]);
    }

    /// <summary>Lists every user, by username.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The users.</returns>
    public async Task<IReadOnlyList<User>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<UserRow>(new CommandDefinition($"SELECT {Columns} FROM users ORDER BY username", cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => r.ToUser())];
    }

    private static DynamicParameters Parameters(IReadOnlyList<string> values)
    {
        var parameters = new DynamicParameters();
        for (var i = 0; i < values.Count; i++)
        {
            parameters.Add("n" + i, values[i]);
        }

        return parameters;
    }

    private sealed class UserRow
    {
        public string Id { get; set; } = "";

        public string Username { get; set; } = "";

        public string? Email { get; set; }

        public string? PasswordHash { get; set; }

        public bool IsAdmin { get; set; }

        public bool IsActive { get; set; }

        public DateTimeOffset CreatedAt { get; set; }

        public string Source { get; set; } = "local";

        public string? DisplayName { get; set; }

        public string? DirectoryDn { get; set; }

        public DateTimeOffset? SyncedAt { get; set; }

        public static UserRow From(User user) => new()
        {
            Id = user.Id,
            Username = user.Username,
            Email = user.Email,
            PasswordHash = user.PasswordHash,
            IsAdmin = user.IsAdmin,
            IsActive = user.IsActive,
            CreatedAt = user.CreatedAt,
            Source = user.Source == UserSource.Directory ? "directory" : "local",
            DisplayName = user.DisplayName,
            DirectoryDn = user.DirectoryDn,
            SyncedAt = user.SyncedAt,
        };

        public User ToUser() => new(Id, Username, Email, PasswordHash, IsAdmin, IsActive, CreatedAt)
        {
            Source = Source == "directory" ? UserSource.Directory : UserSource.Local,
            DisplayName = DisplayName,
            DirectoryDn = DirectoryDn,
            SyncedAt = SyncedAt,
        };
    }
}

using Dapper;
using Paas.Domain;

namespace Paas.Data;

/// <summary>Users and their API tokens (stored only as SHA-256 hashes).</summary>
public sealed class UserStore
{
    private const string Columns = "id, username, email, password_hash, is_admin, is_active, created_at";
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
            $"INSERT INTO users ({Columns}) VALUES (@Id, @Username, @Email, @PasswordHash, @IsAdmin, @IsActive, @CreatedAt)",
            user,
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
            "SELECT u.id, u.username, u.email, u.password_hash, u.is_admin, u.is_active, u.created_at FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.token_hash = @tokenHash",
            new { tokenHash },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        var user = row?.ToUser();
        return user is { IsActive: true } ? user : null;
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

        public User ToUser() => new(Id, Username, Email, PasswordHash, IsAdmin, IsActive, CreatedAt);
    }
}

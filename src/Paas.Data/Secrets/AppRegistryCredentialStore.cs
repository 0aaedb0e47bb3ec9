using Dapper;

namespace Paas.Data;

/// <summary>
/// Per-app credentials for pulling the app's images from registries other than the platform's own (what
/// <c>paas registry:login</c> stores; Deis Workflow's <c>registry:set</c>). Passwords are encrypted at rest by
/// <see cref="SecretKeyRing"/> and leave this store only through <see cref="FindAsync"/>, for the pull itself.
/// </summary>
public sealed class AppRegistryCredentialStore
{
    private readonly PaasDatabase _database;
    private readonly SecretKeyRing _keys;

    /// <summary>Creates the store.</summary>
    /// <param name="database">The database.</param>
    /// <param name="keys">The keys that encrypt the passwords.</param>
    public AppRegistryCredentialStore(PaasDatabase database, SecretKeyRing keys)
    {
        _database = database;
        _keys = keys;
    }

    /// <summary>The registries an app has credentials for, by registry, without passwords.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The credentials, passwords left out.</returns>
    public async Task<IReadOnlyList<StoredRegistryLogin>> ListAsync(string appId, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            "SELECT registry, username, updated_by, updated_at FROM app_registry_credentials WHERE app_id = @appId ORDER BY registry",
            new { appId },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. rows.Select(r => new StoredRegistryLogin(r.Registry, r.Username, r.UpdatedBy, r.UpdatedAt))];
    }

    /// <summary>An app's credential for one registry, password decrypted, or null.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="registry">The registry host (<c>host[:port]</c>, lower case).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>(username, password), or null.</returns>
    /// <exception cref="System.Security.Cryptography.CryptographicException">The password cannot be decrypted (its key is missing from the key file).</exception>
    public async Task<(string Username, string Password)?> FindAsync(string appId, string registry, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            "SELECT registry, username, password FROM app_registry_credentials WHERE app_id = @appId AND registry = @registry",
            new { appId, registry },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return row is null ? null : (row.Username, _keys.Unprotect(row.Password, StoredSecrets.RegistryPasswords.Place(appId, registry)));
    }

    /// <summary>Stores (or replaces) an app's credential for a registry, the password encrypted.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="registry">The registry host (<c>host[:port]</c>, lower case).</param>
    /// <param name="username">The user name.</param>
    /// <param name="password">The password or token.</param>
    /// <param name="updatedBy">Who stores it (a username).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The login as stored, without its password.</returns>
    public async Task<StoredRegistryLogin> SetAsync(string appId, string registry, string username, string password, string updatedBy, CancellationToken cancellationToken)
    {
        var sealedPassword = _keys.Protect(password, StoredSecrets.RegistryPasswords.Place(appId, registry));
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var now = DateTimeOffset.UtcNow;
        var args = new { appId, registry, username, password = sealedPassword, updatedBy, now };
        var updated = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE app_registry_credentials SET username = @username, password = @password, updated_by = @updatedBy, updated_at = @now WHERE app_id = @appId AND registry = @registry",
            args,
            transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (updated == 0)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO app_registry_credentials (app_id, registry, username, password, updated_by, updated_at) VALUES (@appId, @registry, @username, @password, @updatedBy, @now)",
                args,
                transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new StoredRegistryLogin(registry, username, updatedBy, now);
    }

    /// <summary>Removes an app's credential for a registry.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="registry">The registry host.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether there was one.</returns>
    public async Task<bool> RemoveAsync(string appId, string registry, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM app_registry_credentials WHERE app_id = @appId AND registry = @registry",
            new { appId, registry },
            cancellationToken: cancellationToken)).ConfigureAwait(false) > 0;
    }

    private sealed class Row
    {
        public string Registry { get; set; } = "";

        public string Username { get; set; } = "";

        public string Password { get; set; } = "";

        public string UpdatedBy { get; set; } = "";

        public DateTimeOffset UpdatedAt { get; set; }
    }
}

/// <summary>An app's stored login to a registry, without its password.</summary>
/// <param name="Registry">The registry host (<c>host[:port]</c>).</param>
/// <param name="Username">The user name.</param>
/// <param name="UpdatedBy">Who stored it last.</param>
/// <param name="UpdatedAt">When.</param>
public sealed record StoredRegistryLogin(string Registry, string Username, string UpdatedBy, DateTimeOffset UpdatedAt);

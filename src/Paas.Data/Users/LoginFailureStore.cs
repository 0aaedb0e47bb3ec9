using Dapper;

namespace Paas.Data;

/// <summary>
/// Failed sign-ins per key (table <c>login_failures</c>), shared by every controller replica on the database. It only
/// stores; the throttle's rule (how many failures are free, how long a lockout lasts) is the controller's
/// <c>LoginThrottle</c>. Each statement is atomic on SQLite and PostgreSQL alike, so concurrent failures on two replicas
/// are both counted.
/// </summary>
public sealed class LoginFailureStore(PaasDatabase database)
{
    /// <summary>The later lockout end of two keys, in Unix milliseconds; 0 when neither is locked.</summary>
    /// <param name="key">A key, e.g. <c>a:alice</c>.</param>
    /// <param name="other">Another key, e.g. <c>ip:192.0.2.7</c>, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The lockout end.</returns>
    /// <exception cref="System.Data.Common.DbException">The database cannot be reached.</exception>
    public async Task<long> LockedUntilAsync(string key, string? other, CancellationToken cancellationToken)
    {
        // Two parameters, not a list: Dapper expands "IN @list" on SQLite but passes an array to Npgsql.
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COALESCE(MAX(locked_until), 0) FROM login_failures WHERE key = @key OR key = @other", new { key, other }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>
    /// Counts one failure of <paramref name="key"/> at <paramref name="now"/>: the count starts again at 1 when the last
    /// failure is more than <paramref name="windowMilliseconds"/> old.
    /// </summary>
    /// <param name="key">The key.</param>
    /// <param name="now">Unix milliseconds.</param>
    /// <param name="windowMilliseconds">How long a failure counts.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The failures counted now, this one included.</returns>
    public async Task<int> CountFailureAsync(string key, long now, long windowMilliseconds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            """
            INSERT INTO login_failures (key, failures, last_failure, locked_until) VALUES (@key, 1, @now, 0)
            ON CONFLICT (key) DO UPDATE SET
                failures = CASE WHEN @now - login_failures.last_failure > @window THEN 1 ELSE login_failures.failures + 1 END,
                last_failure = @now
            RETURNING failures
            """,
            new { key, now, window = windowMilliseconds }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Locks <paramref name="key"/> until <paramref name="until"/> (Unix milliseconds), unless it is locked longer already.</summary>
    /// <param name="key">The key.</param>
    /// <param name="until">The lockout's end.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task LockAsync(string key, long until, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE login_failures SET locked_until = @until WHERE key = @key AND locked_until < @until", new { key, until }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Forgets <paramref name="key"/>'s failures (a successful sign-in of the account).</summary>
    /// <param name="key">The key.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task ClearAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM login_failures WHERE key = @key", new { key }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    /// <summary>Deletes the rows whose last failure is before <paramref name="before"/> and that are not locked after <paramref name="now"/>.</summary>
    /// <param name="before">Unix milliseconds: the start of the counting window.</param>
    /// <param name="now">Unix milliseconds.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>How many rows went.</returns>
    public async Task<int> PruneAsync(long before, long now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM login_failures WHERE last_failure < @before AND locked_until < @now", new { before, now }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }
}

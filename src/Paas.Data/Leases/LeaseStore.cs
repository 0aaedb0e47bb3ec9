using Dapper;

namespace Paas.Data;

/// <summary>
/// Named leases (table <c>leases</c>): at most one holder per name until the lease expires, so a background sweep runs on
/// one controller replica at a time. Acquiring and renewing are the same single statement (an upsert whose update applies
/// only when the caller already holds the lease or it has expired), atomic on SQLite and PostgreSQL alike.
/// </summary>
public sealed class LeaseStore
{
    private readonly PaasDatabase _database;
    private readonly TimeProvider _time;

    /// <summary>Creates the store.</summary>
    /// <param name="database">The database.</param>
    /// <param name="time">The clock (expiries are compared with its UTC time; replicas' clocks should agree within seconds).</param>
    public LeaseStore(PaasDatabase database, TimeProvider time)
    {
        _database = database;
        _time = time;
    }

    /// <summary>A new holder name, unique per taker (several may live in one process): host name, process id and a random part.</summary>
    /// <returns>The name, e.g. <c>paas-0/1/3f2a...</c>.</returns>
    public static string NewHolder() => $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid():N}";

    /// <summary>Takes or renews the lease <paramref name="name"/> for <paramref name="duration"/> when it is free, expired or already held by <paramref name="holder"/>.</summary>
    /// <param name="name">The lease, e.g. <c>directory-sync</c>.</param>
    /// <param name="holder">Who takes it: unique per process (e.g. host name, process id and a random part).</param>
    /// <param name="duration">How long it is held unless renewed.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Whether <paramref name="holder"/> holds the lease now.</returns>
    /// <exception cref="System.Data.Common.DbException">The database cannot be reached.</exception>
    public async Task<bool> TryAcquireAsync(string name, string holder, TimeSpan duration, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO leases (name, holder, expires_at) VALUES (@name, @holder, @expires)
            ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
            WHERE leases.holder = excluded.holder OR leases.expires_at < @now
            """,
            new { name, holder, expires = now + (long)duration.TotalMilliseconds, now },
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        return changed == 1;
    }

    /// <summary>Gives the lease up at once (a replica that stops), if <paramref name="holder"/> holds it.</summary>
    /// <param name="name">The lease.</param>
    /// <param name="holder">Who gives it up.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    public async Task ReleaseAsync(string name, string holder, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("DELETE FROM leases WHERE name = @name AND holder = @holder", new { name, holder }, cancellationToken: cancellationToken)).ConfigureAwait(false);
    }
}

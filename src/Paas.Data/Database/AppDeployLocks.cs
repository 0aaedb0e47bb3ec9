using System.Collections.Concurrent;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace Paas.Data;

/// <summary>
/// One lock per app, held while a release is appended and deployed, or while the app is scaled, restarted or
/// destroyed, so the scheduler sees an app's changes one at a time and in version order, also with several controller
/// replicas: on PostgreSQL the lock is a session-level advisory lock (<c>pg_advisory_lock</c>, PostgreSQL manual 9.27.10
/// "Advisory Lock Functions") on a connection held for as long as the lock, so a replica that dies releases it with its
/// connection. On SQLite (one process by design) an in-process semaphore is the whole lock. Either way callers of one
/// process queue on the semaphore first, so one process holds at most one database connection per app for this.
/// </summary>
public sealed class AppDeployLocks(PaasDatabase database)
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <summary>Waits for the app's lock.</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="cancellationToken">Cancels the wait (the PostgreSQL wait too).</param>
    /// <returns>The held lock; dispose it to release.</returns>
    /// <exception cref="DbException">The database cannot be reached.</exception>
    public async Task<IAsyncDisposable> AcquireAsync(string appId, CancellationToken cancellationToken)
    {
        var semaphore = _locks.GetOrAdd(appId, _ => new SemaphoreSlim(1, 1));
        await semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        return (await HoldAsync(appId, semaphore, wait: true, cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>Takes the app's lock only if nobody holds it (in this process or, on PostgreSQL, any replica).</summary>
    /// <param name="appId">The app's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The held lock, or null when someone holds it (an app being deployed right now).</returns>
    /// <exception cref="DbException">The database cannot be reached.</exception>
    public async Task<IAsyncDisposable?> TryAcquireAsync(string appId, CancellationToken cancellationToken)
    {
        var semaphore = _locks.GetOrAdd(appId, _ => new SemaphoreSlim(1, 1));
        return await semaphore.WaitAsync(0, cancellationToken).ConfigureAwait(false)
            ? await HoldAsync(appId, semaphore, wait: false, cancellationToken).ConfigureAwait(false)
            : null;
    }

    /// <summary>
    /// With <paramref name="semaphore"/> taken, takes the app's advisory lock on a connection of its own (PostgreSQL; on
    /// SQLite the semaphore is the whole lock): waiting for it (<c>pg_advisory_lock</c>) or not (<c>pg_try_advisory_lock</c>).
    /// Returns null, with the semaphore released, when not waiting and another replica holds it; any failure releases both.
    /// </summary>
    private async Task<IAsyncDisposable?> HoldAsync(string appId, SemaphoreSlim semaphore, bool wait, CancellationToken cancellationToken)
    {
        if (database.Dialect != SqlDialect.PostgreSql)
        {
            return new Held(semaphore, null, 0);
        }

        DbConnection? connection = null;
        try
        {
            connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
            var key = Key(appId);
            var sql = wait ? "SELECT true FROM pg_advisory_lock(@key)" : "SELECT pg_try_advisory_lock(@key)"; // the first returns once it holds the lock
            if (await connection.ExecuteScalarAsync<bool>(new CommandDefinition(sql, new { key }, cancellationToken: cancellationToken)).ConfigureAwait(false))
            {
                return new Held(semaphore, connection, key);
            }
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }

            semaphore.Release();
            throw;
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        semaphore.Release();
        return null;
    }

    /// <summary>The advisory lock key of an app: the first 8 bytes of SHA-256("paas.deploy:" + id), the same in every replica.</summary>
    internal static long Key(string appId) => BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes("paas.deploy:" + appId)), 0);

    private sealed class Held(SemaphoreSlim semaphore, DbConnection? connection, long key) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }

            try
            {
                if (connection is not null)
                {
                    try
                    {
                        await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key }).ConfigureAwait(false);
                    }
                    catch (DbException)
                    {
                        // The connection broke: PostgreSQL released the session's locks with it.
                    }

                    await connection.DisposeAsync().ConfigureAwait(false);
                }
            }
            finally
            {
                semaphore.Release();
            }
        }
    }
}

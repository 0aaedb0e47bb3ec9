using System.Data.Common;
using Npgsql;

namespace Paas.Data;

/// <summary>
/// One <c>LISTEN</c> loop on a PostgreSQL channel, kept up for as long as it runs: a dedicated connection outside the pool
/// (named by its <c>application_name</c>, as <c>pg_stat_activity</c> shows it) runs <c>LISTEN channel</c> and waits; every
/// notification is handed on. A silent connection is probed every <see cref="ProbeInterval"/>; a broken one is re-opened
/// after <see cref="MinReconnectDelay"/>, doubling up to <see cref="MaxReconnectDelay"/>. Notifications sent while nobody
/// listened are not kept (PostgreSQL documentation, "NOTIFY"), so every (re)connection is reported, for the caller to read
/// again whatever it follows. Used by <see cref="RouteChangeSignal"/> (routes) and the shared app log store (log lines).
/// </summary>
public static class PostgresListener
{
    /// <summary>The first wait before re-opening a broken listening connection: 500 ms, doubled after each failure.</summary>
    public static readonly TimeSpan MinReconnectDelay = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait before re-opening a broken listening connection: 30 s.</summary>
    public static readonly TimeSpan MaxReconnectDelay = TimeSpan.FromSeconds(30);

    /// <summary>How long the listening connection may stay silent before a <c>SELECT 1</c> checks it is still there: 15 s.</summary>
    public static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Listens on <paramref name="channel"/> until cancelled; returns only then (never throws for connection failures).
    /// </summary>
    /// <param name="connectionString">The PostgreSQL connection string (pooling is turned off and the application name set here).</param>
    /// <param name="applicationName">The connection's <c>application_name</c>, e.g. <c>paas route listener</c>.</param>
    /// <param name="channel">The channel: a plain SQL identifier (letters, digits, underscores).</param>
    /// <param name="notified">Called with each notification's payload, on the listening loop: must be quick and must not throw.</param>
    /// <param name="connected">Called after each (re)connection, once <c>LISTEN</c> is in effect: must be quick and must not throw.</param>
    /// <param name="disconnected">Told of each failure and the wait before the next attempt (for the log), or null.</param>
    /// <param name="cancellationToken">Stops listening.</param>
    /// <returns>A task that ends when cancelled.</returns>
    /// <exception cref="ArgumentException"><paramref name="channel"/> is not a plain identifier.</exception>
    public static async Task ListenAsync(string connectionString, string applicationName, string channel, Action<string> notified, Action connected,
        Action<Exception, TimeSpan>? disconnected, CancellationToken cancellationToken)
    {
        if (channel.Length == 0 || !channel.All(c => char.IsAsciiLetterOrDigit(c) || c == '_'))
        {
            throw new ArgumentException($"'{channel}' is not a plain channel name", nameof(channel));
        }

        var listenConnectionString = new NpgsqlConnectionStringBuilder(connectionString) { ApplicationName = applicationName, Pooling = false }.ToString();
        var delay = MinReconnectDelay;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(listenConnectionString);
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                connection.Notification += (_, e) => notified(e.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                delay = MinReconnectDelay;
                connected(); // whatever was announced while nobody listened reached no one: the caller reads again
                while (true)
                {
                    if (!await connection.WaitAsync(ProbeInterval, cancellationToken).ConfigureAwait(false))
                    {
                        await using var probe = new NpgsqlCommand("SELECT 1", connection);
                        await probe.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is DbException or IOException or TimeoutException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                disconnected?.Invoke(e, delay);
                try
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxReconnectDelay.Ticks));
            }
        }
    }
}

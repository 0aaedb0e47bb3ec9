using System.Data.Common;
using Dapper;

namespace Paas.Data;

/// <summary>
/// The one place that says "routes changed": every write of the stores that changes what routers route (apps created or
/// deleted, custom domains, certificates and their attachment to domains, maintenance and HTTPS enforcement) calls
/// <see cref="NotifyAsync"/> after it is committed, and the route feed reads the stores again when <see cref="Changed"/>
/// is raised. Release and formation writes are not route changes: the processes they start reach the routes through the
/// scheduler's endpoint feed.
/// <list type="bullet">
/// <item>In this process, <see cref="Changed"/> is raised at once (SQLite: one process is all there is).</item>
/// <item>On PostgreSQL (several controller replicas on one database), <c>NOTIFY paas_routes</c> also tells every other
/// process, whose <see cref="ListenAsync"/> holds a connection that <c>LISTEN</c>s on the channel (PostgreSQL
/// documentation, "NOTIFY": a notification is delivered to every session listening on the channel, once the sending
/// transaction commits). That connection is re-opened with back-off when it breaks, and every (re)connection raises
/// <see cref="Changed"/> too, because notifications sent while nobody listened are not kept.</item>
/// </list>
/// One per <see cref="PaasDatabase"/> (<see cref="PaasDatabase.RouteChanges"/>).
/// </summary>
public sealed class RouteChangeSignal
{
    /// <summary>The PostgreSQL channel: <c>paas_routes</c>.</summary>
    public const string Channel = "paas_routes";

    /// <summary>The first wait before re-opening a broken listening connection (<see cref="PostgresListener.MinReconnectDelay"/>).</summary>
    public static readonly TimeSpan MinReconnectDelay = PostgresListener.MinReconnectDelay;

    /// <summary>The longest wait before re-opening a broken listening connection (<see cref="PostgresListener.MaxReconnectDelay"/>).</summary>
    public static readonly TimeSpan MaxReconnectDelay = PostgresListener.MaxReconnectDelay;

    /// <summary>The <c>application_name</c> of the listening connection, as <c>pg_stat_activity</c> shows it: <c>paas route listener</c>.</summary>
    public const string ApplicationName = "paas route listener";

    private readonly string? _listenConnectionString;

    /// <summary>Creates the signal.</summary>
    /// <param name="postgresConnectionString">The PostgreSQL connection string, or null on SQLite.</param>
    internal RouteChangeSignal(string? postgresConnectionString)
    {
        _listenConnectionString = postgresConnectionString;
    }

    /// <summary>
    /// Raised when routes may have changed: after a route-changing write in this process, on a notification from another
    /// process, and after each (re)connection of <see cref="ListenAsync"/>. Handlers must be quick and must not throw.
    /// </summary>
    public event EventHandler? Changed;

    /// <summary>Whether other processes can change routes (PostgreSQL), so that <see cref="ListenAsync"/> has work to do.</summary>
    public bool SharedDatabase => _listenConnectionString is not null;

    /// <summary>
    /// Listens for other processes' changes until cancelled (PostgreSQL; on SQLite it returns at once): a
    /// <see cref="PostgresListener"/> loop (<see cref="ApplicationName"/>) on <c>LISTEN paas_routes</c>; every notification
    /// and every (re)connection raises <see cref="Changed"/>.
    /// </summary>
    /// <param name="disconnected">Told of each failure and the wait before the next attempt (for the log).</param>
    /// <param name="cancellationToken">Stops listening.</param>
    /// <returns>A task that ends when cancelled.</returns>
    public async Task ListenAsync(Action<Exception, TimeSpan>? disconnected, CancellationToken cancellationToken)
    {
        if (_listenConnectionString is null)
        {
            return;
        }

        await PostgresListener.ListenAsync(_listenConnectionString, ApplicationName, Channel, _ => Raise(), Raise, disconnected, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Says that a committed write changed routes: raises <see cref="Changed"/> here and, on PostgreSQL, sends
    /// <c>NOTIFY paas_routes</c> on <paramref name="connection"/> (outside any transaction: the write is committed).
    /// </summary>
    /// <param name="connection">The connection that made the write, still open.</param>
    /// <returns>A task.</returns>
    /// <remarks>Not cancellable: the write is done, and a caller that gave up must not keep other replicas from learning of it.</remarks>
    internal async Task NotifyAsync(DbConnection connection)
    {
        Raise();
        if (_listenConnectionString is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition($"SELECT pg_notify('{Channel}', '')")).ConfigureAwait(false);
        }
    }

    private void Raise() => Changed?.Invoke(this, EventArgs.Empty);
}

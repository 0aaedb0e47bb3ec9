using System.Collections.Concurrent;
using Paas.Router.Sockets;

namespace Paas.Router.Forwarding;

/// <summary>
/// The backend connections of <see cref="Http1Forwarder"/>, by destination, and the one heartbeat that times every
/// attempt and closes idle connections. A heartbeat instead of a timer per request: a forward then costs no timer
/// or cancellation source, and timeouts fire within <see cref="HeartbeatInterval"/> of their deadline.
/// </summary>
internal sealed class BackendPool : IDisposable
{
    /// <summary>How often deadlines and idle connections are checked.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromMilliseconds(50);

    private readonly ConcurrentDictionary<string, BackendDestination> _destinations = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private readonly HashSet<BackendConnection> _all = [];
    private readonly long _idleTimeoutMs;
    private readonly Timer _heartbeat;
    private BackendConnection[] _snapshot = [];
    private bool _snapshotStale;
    private int _ticking;

    /// <param name="idleTimeout">How long an idle connection is kept.</param>
    /// <param name="loops">The event loops new connections go on; empty: the .NET socket engine.</param>
    public BackendPool(TimeSpan idleTimeout, EventLoopGroup loops)
    {
        _idleTimeoutMs = (long)idleTimeout.TotalMilliseconds;
        Loops = loops;
        _heartbeat = new Timer(static s => ((BackendPool)s!).Tick(), this, HeartbeatInterval, HeartbeatInterval);
    }

    /// <summary>The event loops of new connections (empty: none).</summary>
    public EventLoopGroup Loops { get; }

    public BackendDestination For(string prefix) =>
        _destinations.TryGetValue(prefix, out var destination) ? destination : _destinations.GetOrAdd(prefix, static (p, pool) => new BackendDestination(p, pool), this);

    public void Track(BackendConnection connection)
    {
        lock (_gate)
        {
            _all.Add(connection);
            _snapshotStale = true;
        }
    }

    public void Untrack(BackendConnection connection)
    {
        lock (_gate)
        {
            if (_all.Remove(connection))
            {
                _snapshotStale = true;
            }
        }
    }

    public void Dispose()
    {
        _heartbeat.Dispose();
        lock (_gate)
        {
            foreach (var connection in _all)
            {
                connection.Close();
            }

            _all.Clear();
            _snapshotStale = true;
        }
    }

    private void Tick()
    {
        if (Interlocked.Exchange(ref _ticking, 1) != 0)
        {
            return;
        }

        try
        {
            BackendConnection[] all;
            lock (_gate)
            {
                if (_snapshotStale)
                {
                    _snapshot = [.. _all];
                    _snapshotStale = false;
                }

                all = _snapshot;
            }

            var now = Environment.TickCount64;
            var closedIdle = false;
            foreach (var connection in all)
            {
                if (connection.IsDisposed)
                {
                    Untrack(connection);
                }
                else if (connection.CloseIfIdleSince(now - _idleTimeoutMs))
                {
                    closedIdle = true;
                    Untrack(connection);
                }
                else
                {
                    connection.CheckDeadline(now);
                }
            }

            foreach (var (prefix, destination) in _destinations)
            {
                if (closedIdle)
                {
                    destination.Prune();
                }

                if (destination.Count == 0 && now - destination.EmptySince > _idleTimeoutMs * 2)
                {
                    _destinations.TryRemove(new KeyValuePair<string, BackendDestination>(prefix, destination));
                }
            }
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Paas.Router.Sockets;

namespace Paas.Router.Forwarding;

/// <summary>
/// The idle keep-alive connections to one backend address (<c>http://host:port</c>), on a stack: the most recently
/// used is reused first, so surplus connections age out and the heartbeat closes them.
/// </summary>
internal sealed class BackendDestination(string prefix, BackendPool pool)
{
    private readonly object _gate = new();
    private readonly Stack<BackendConnection> _idle = new();
    private int _count;

    /// <summary><c>http://host:port</c>.</summary>
    public string Prefix { get; } = prefix;

    public EndPoint EndPoint { get; } = Parse(prefix);

    /// <summary>Open connections (idle or busy).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>When the last connection went away (<see cref="Environment.TickCount64"/> ms), for the pool to drop unused destinations.</summary>
    public long EmptySince { get; private set; } = Environment.TickCount64;

    /// <summary>An idle connection that is still open, or null.</summary>
    public BackendConnection? TryRent()
    {
        while (true)
        {
            BackendConnection? connection;
            lock (_gate)
            {
                if (!_idle.TryPop(out connection))
                {
                    return null;
                }
            }

            if (connection.Rent())
            {
                return connection;
            }

            Remove(connection);
        }
    }

    /// <summary>
    /// Opens a new connection within <paramref name="timeout"/>. Throws <see cref="TimeoutException"/> when it
    /// takes longer, <see cref="SocketException"/> when refused or unreachable.
    /// </summary>
    public async ValueTask<(BackendConnection Connection, long ConnectMilliseconds)> ConnectAsync(TimeSpan timeout)
    {
        var started = Stopwatch.GetTimestamp();
        var socket = await LoopSocket.ConnectAsync(EndPoint, pool.Loops.Next(), timeout);
        var connection = new BackendConnection(socket, this);
        Interlocked.Increment(ref _count);
        pool.Track(connection);
        return (connection, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    /// <summary>Back to the pool after a complete exchange.</summary>
    public void Return(BackendConnection connection)
    {
        if (!connection.Park(Environment.TickCount64))
        {
            Remove(connection);
            return;
        }

        lock (_gate)
        {
            _idle.Push(connection);
        }
    }

    /// <summary>Closes and forgets a connection that cannot be reused.</summary>
    public void Remove(BackendConnection connection)
    {
        connection.Close();
        pool.Untrack(connection);
    }

    /// <summary>Called once per connection when it closes.</summary>
    public void OnClosed()
    {
        if (Interlocked.Decrement(ref _count) == 0)
        {
            EmptySince = Environment.TickCount64;
        }
    }

    /// <summary>Drops connections the heartbeat closed from the idle stack.</summary>
    public void Prune()
    {
        lock (_gate)
        {
            if (!_idle.Any(c => c.IsDisposed))
            {
                return;
            }

            var open = _idle.Where(c => !c.IsDisposed).Reverse().ToArray();
            _idle.Clear();
            foreach (var connection in open)
            {
                _idle.Push(connection);
            }
        }
    }

    private static EndPoint Parse(string prefix)
    {
        var uri = new Uri(prefix);
        return IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) ? new IPEndPoint(ip, uri.Port) : new DnsEndPoint(uri.Host, uri.Port);
    }
}

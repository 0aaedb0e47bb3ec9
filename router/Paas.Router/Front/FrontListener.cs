using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging;
using Paas.Router.Logging;
using Paas.Router.Sockets;

namespace Paas.Router.Front;

/// <summary>
/// The listening socket of the router's plain-HTTP port. Every accepted connection starts on the fast path
/// (<see cref="FrontConnection"/>); the ones it hands over are wrapped by Kestrel's own socket transport
/// (<see cref="SocketConnectionContextFactory"/>), with the bytes already read in front, and returned by
/// <see cref="AcceptAsync"/> to Kestrel. A one-second heartbeat closes fast-path connections past their keep-alive or
/// head deadline. Unbinding stops accepting and closes idle connections; the busy ones close after their response.
/// </summary>
internal sealed class FrontListener : IConnectionListener
{
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    private readonly Socket _socket;
    private readonly FrontServices _services;
    private readonly SocketConnectionContextFactory _handoffFactory;
    private readonly ILogger _logger;
    private readonly Channel<ConnectionContext> _handoffs = Channel.CreateUnbounded<ConnectionContext>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<FrontConnection, byte> _connections = new();
    private readonly Timer _heartbeat;
    private volatile bool _draining;

    private FrontListener(Socket socket, FrontServices services, SocketConnectionFactoryOptions handoffOptions, ILoggerFactory loggerFactory)
    {
        _socket = socket;
        _services = services;
        _logger = loggerFactory.CreateLogger<FrontListener>();
        _handoffFactory = new SocketConnectionContextFactory(handoffOptions, loggerFactory.CreateLogger<SocketConnectionContextFactory>());
        EndPoint = new RouterHttpEndPoint((IPEndPoint)socket.LocalEndPoint!);
        _heartbeat = new Timer(static s => ((FrontListener)s!).Tick(), this, HeartbeatInterval, HeartbeatInterval);
        _ = AcceptLoopAsync();
    }

    public EndPoint EndPoint { get; }

    /// <summary>True once the listener was unbound: connections close instead of waiting for another request.</summary>
    public bool Draining => _draining;

    /// <summary>Listens on <paramref name="endpoint"/> (dual-stack for <see cref="IPAddress.IPv6Any"/> where IPv6 exists).</summary>
    public static FrontListener Bind(RouterHttpEndPoint endpoint, FrontServices services, SocketConnectionFactoryOptions handoffOptions, ILoggerFactory loggerFactory)
    {
        var address = endpoint.Address;
        Socket socket;
        if (address.Address.Equals(IPAddress.IPv6Any) && Socket.OSSupportsIPv6)
        {
            socket = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp) { DualMode = true };
        }
        else
        {
            if (address.Address.Equals(IPAddress.IPv6Any))
            {
                address = new IPEndPoint(IPAddress.Any, address.Port);
            }

            socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        }

        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(address);
            socket.Listen(512);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            socket.Dispose();
            throw new AddressInUseException(e.Message, e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new FrontListener(socket, services, handoffOptions, loggerFactory);
    }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await _handoffs.Reader.ReadAsync(cancellationToken);
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Gives a connection to Kestrel, <paramref name="prefix"/> being the bytes the fast path already read.</summary>
    public void HandOff(Socket socket, ReadOnlySpan<byte> prefix)
    {
        var inner = _handoffFactory.Create(socket);
        ConnectionContext connection = prefix.IsEmpty ? inner : new HandedOverConnection(inner, prefix);

        if (!_handoffs.Writer.TryWrite(connection))
        {
            _ = connection.DisposeAsync();
        }
    }

    /// <summary>Called by a connection when it ends (closed or handed over).</summary>
    public void Forget(FrontConnection connection) => _connections.TryRemove(connection, out _);

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _draining = true;
        _socket.Dispose();
        _handoffs.Writer.TryComplete();
        foreach (var connection in _connections.Keys)
        {
            if (connection.Idle)
            {
                connection.Dispose();
            }
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await UnbindAsync();
        await _heartbeat.DisposeAsync();
        foreach (var connection in _connections.Keys)
        {
            connection.Dispose();
        }

        _handoffFactory.Dispose();
    }

    private async Task AcceptLoopAsync()
    {
        while (!_draining)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync();
            }
            catch (Exception e) when (e is ObjectDisposedException || (e is SocketException && _draining))
            {
                return;
            }
            catch (SocketException e)
            {
                // Out of file descriptors and the like: report, breathe, go on.
                RouterLog.AcceptFailed(_logger, e);
                await Task.Delay(50);
                continue;
            }

            client.NoDelay = true;
            LoopSocket socket;
            try
            {
                socket = new LoopSocket(client, _services.Loops.Next());
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // The loop refused it (out of memory for epoll, or stopping): close it; the client may retry.
                RouterLog.AcceptFailed(_logger, e);
                client.Dispose();
                continue;
            }

            var connection = new FrontConnection(socket, this, _services);
            _connections.TryAdd(connection, 0);
            _ = connection.RunAsync();
        }
    }

    private void Tick()
    {
        var now = Environment.TickCount64;
        foreach (var connection in _connections.Keys)
        {
            connection.CheckDeadline(now);
        }
    }
}

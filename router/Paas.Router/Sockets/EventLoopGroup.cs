using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Router.Hosting;

namespace Paas.Router.Sockets;

/// <summary>
/// The router's event loops (<see cref="EventLoop"/>), <see cref="RouterOptions.EventLoopThreads"/> of them (default:
/// one per CPU the process may use), handed out round-robin to new sockets. Empty where epoll is not available or
/// the option is 0: the router's sockets then use the .NET socket engine.
/// </summary>
internal sealed class EventLoopGroup : IDisposable
{
    private readonly EventLoop[] _loops;
    private int _next;

    /// <summary>Starts the loops the options ask for.</summary>
    public EventLoopGroup(IOptions<RouterOptions> options, ILogger<EventLoopGroup> logger)
        : this(options.Value.EventLoopThreads ?? Environment.ProcessorCount, logger)
    {
    }

    /// <summary>Starts <paramref name="count"/> loops (none when 0 or when epoll is not supported here).</summary>
    public EventLoopGroup(int count, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _loops = Epoll.IsSupported
            ? Enumerable.Range(1, count).Select(i => EventLoop.Start($"paas-router-loop-{i}", logger)).ToArray()
            : [];
    }

    /// <summary>Number of running loops (0: the .NET socket engine serves the router's sockets).</summary>
    public int Count => _loops.Length;

    /// <summary>The loop for a new socket, or null when there is none.</summary>
    public EventLoop? Next()
    {
        var loops = _loops;
        return loops.Length switch
        {
            0 => null,
            1 => loops[0],
            _ => loops[(int)((uint)Interlocked.Increment(ref _next) % (uint)loops.Length)],
        };
    }

    /// <summary>Stops the loops (within a second); their sockets stay open.</summary>
    public void Dispose()
    {
        foreach (var loop in _loops)
        {
            loop.Dispose();
        }
    }
}

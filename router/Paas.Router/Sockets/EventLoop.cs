using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Paas.Router.Logging;

namespace Paas.Router.Sockets;

/// <summary>
/// One event loop: an <c>epoll</c> instance and the thread that waits on it, as nginx's worker does. The sockets
/// registered here (<see cref="LoopSocket"/>) are watched edge-triggered for reading and writing, once, for their
/// whole life; when one becomes ready the loop thread resumes the code waiting on it right there (an inline
/// completion), instead of handing it to a thread-pool worker as the .NET socket engine does. On a busy core that
/// hand-off is a context switch per wait, which was the largest single cost of the router's fast path
/// (<c>bench/router/README.md</c>).
/// <para>
/// Only non-blocking code may run on the loop thread: whatever resumes here must await (or finish) before doing
/// anything slow, or every socket of the loop waits. The router's fast path and <c>Http1Forwarder</c> do.
/// </para>
/// Sockets are found from an event by a key of their slot in <see cref="_slots"/> and a generation, so an event that
/// was already collected for a socket since unregistered (and a slot since reused) is recognised and dropped.
/// </summary>
internal sealed unsafe class EventLoop : IDisposable
{
    private const int MaxEvents = 256;

    /// <summary>How long one <c>epoll_wait</c> blocks at most, so a stopped loop ends within this time.</summary>
    private const int WaitMilliseconds = 1000;

    private readonly int _epollFd;
    private readonly Lock _gate = new();
    private readonly Stack<int> _freeSlots = new();
    private readonly ILogger _logger;
    private LoopSocket?[] _slots = new LoopSocket?[64];
    private int _slotCount;
    private uint _generation;
    private volatile bool _stopping;
    private bool _closed;

    private EventLoop(int epollFd, string name, ILogger logger)
    {
        _epollFd = epollFd;
        _logger = logger;
        var thread = new Thread(Run) { IsBackground = true, Name = name };
        thread.Start();
    }

    /// <summary>Registered sockets.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _slotCount - _freeSlots.Count;
            }
        }
    }

    /// <summary>Starts a loop; throws <see cref="IOException"/> when <c>epoll_create1</c> fails.</summary>
    public static EventLoop Start(string name, ILogger logger)
    {
        var fd = Epoll.Create(Epoll.CloseOnExec);
        if (fd < 0)
        {
            throw new IOException($"epoll_create1 failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        return new EventLoop(fd, name, logger);
    }

    /// <summary>Watches <paramref name="socket"/> and sets its <see cref="LoopSocket.Key"/>. Throws <see cref="IOException"/> when the kernel refuses.</summary>
    public void Register(LoopSocket socket, int fd)
    {
        ulong key;
        int slot;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopping || _closed, this);
            if (!_freeSlots.TryPop(out slot))
            {
                slot = _slotCount++;
                if (slot == _slots.Length)
                {
                    var larger = new LoopSocket?[_slots.Length * 2];
                    _slots.CopyTo(larger, 0);
                    Volatile.Write(ref _slots, larger);
                }
            }

            key = ((ulong)++_generation << 32) | (uint)slot;
            socket.Key = key;
            _slots[slot] = socket;
            var error = Epoll.Add(_epollFd, fd, Epoll.In | Epoll.Out | Epoll.RdHup | Epoll.EdgeTriggered, key);
            if (error != 0)
            {
                _slots[slot] = null;
                _freeSlots.Push(slot);
                throw new IOException($"epoll_ctl(ADD) failed (errno {error}).");
            }
        }
    }

    /// <summary>Stops watching the socket of <paramref name="key"/> (before it is closed or handed to another owner).</summary>
    public void Unregister(ulong key, int fd)
    {
        var slot = (int)(uint)key;
        lock (_gate)
        {
            if (_slots[slot] is { } socket && socket.Key == key)
            {
                _slots[slot] = null;
                _freeSlots.Push(slot);
                if (!_closed)
                {
                    // Under the lock: the loop thread closes the epoll descriptor under it too, so the number is never
                    // another file's by the time it is used here.
                    Epoll.Remove(_epollFd, fd);
                }
            }
        }
    }

    /// <summary>Ends the loop thread within a second; registered sockets are not closed.</summary>
    public void Dispose() => _stopping = true;

    private void Run()
    {
        var size = Epoll.EventSize;
        var offset = Epoll.DataOffset;
        var events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * size));
        try
        {
            while (!_stopping)
            {
                var count = Epoll.Wait(_epollFd, events, MaxEvents, WaitMilliseconds);
                if (count < 0)
                {
                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == Epoll.Interrupted)
                    {
                        continue;
                    }

                    RouterLog.EventLoopFailed(_logger, Thread.CurrentThread.Name ?? "?", errno);
                    return;
                }

                var slots = Volatile.Read(ref _slots);
                for (var i = 0; i < count; i++)
                {
                    var entry = events + (i * size);
                    var key = *(ulong*)(entry + offset);
                    var slot = (int)(uint)key;
                    if ((uint)slot < (uint)slots.Length && slots[slot] is { } socket && socket.Key == key)
                    {
                        try
                        {
                            socket.OnEvents(*(uint*)entry);
                        }
                        catch (Exception e)
                        {
                            RouterLog.EventLoopCallbackFailed(_logger, e);
                        }
                    }
                }
            }
        }
        finally
        {
            NativeMemory.Free(events);
            lock (_gate)
            {
                _closed = true;
                Epoll.Close(_epollFd);
            }
        }
    }
}

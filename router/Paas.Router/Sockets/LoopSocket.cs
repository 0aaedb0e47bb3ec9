using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Paas.Router.Sockets;

/// <summary>
/// A TCP socket of the router (a fast-path client connection or a pooled backend connection) with the few
/// asynchronous operations the router needs. On an <see cref="EventLoop"/> the socket is non-blocking and every
/// operation first tries the system call at once; only when the kernel says "would block" does it wait for the loop
/// to report readiness, and the wait then completes on the loop thread, which goes straight on with the caller's
/// code. Without a loop (<see cref="EventLoopGroup"/> off, or not Linux) each call is the .NET socket's own
/// asynchronous one.
/// <para>
/// Readiness is edge-triggered: the loop counts read and write events (<see cref="ReadEvents"/>), an operation notes
/// the count before its system call and waits only if no event came since, so none is lost between the "would
/// block" and the wait. One receive and one send may be outstanding at a time.
/// </para>
/// <see cref="Dispose"/> (from any thread: a timeout, a drain) fails a pending wait with
/// <see cref="ObjectDisposedException"/>, as disposing a .NET socket fails its pending operations.
/// </summary>
internal sealed class LoopSocket : IDisposable
{
    private readonly Lock _gate = new();
    private readonly EventLoop? _loop;
    private readonly int _fd;
    private readonly Waiter _reader = new();
    private readonly Waiter _writer = new();
    private int _readEvents;
    private int _writeEvents;
    private bool _drained;
    private int _drainedAt;
    private volatile bool _peerClosed;
    private bool _disposed;
    private bool _detached;

    /// <summary>Wraps <paramref name="socket"/>; on <paramref name="loop"/> when given (the socket is made non-blocking and registered).</summary>
    public LoopSocket(Socket socket, EventLoop? loop)
    {
        Socket = socket;
        if (loop is not null)
        {
            socket.Blocking = false;
            _fd = (int)socket.SafeHandle.DangerousGetHandle();
            _loop = loop;
            loop.Register(this, _fd);
        }
    }

    /// <summary>The .NET socket (for its addresses and options; I/O goes through this class).</summary>
    public Socket Socket { get; }

    /// <summary>The socket's key on its loop (0 without a loop); set by <see cref="EventLoop.Register"/>.</summary>
    public ulong Key { get; internal set; }

    /// <summary>True when served by an event loop.</summary>
    public bool OnLoop => _loop is not null;

    /// <summary>Read events seen so far (on a loop): a change while nothing was read means data or a close arrived.</summary>
    public int ReadEvents => Volatile.Read(ref _readEvents);

    /// <summary>
    /// Opens a TCP connection to <paramref name="endPoint"/> (a DNS name is resolved first) within
    /// <paramref name="timeout"/>, on <paramref name="loop"/> or, when null, with the .NET socket. Throws
    /// <see cref="TimeoutException"/> when it takes longer and <see cref="SocketException"/> when refused or unreachable.
    /// </summary>
    public static async ValueTask<LoopSocket> ConnectAsync(EndPoint endPoint, EventLoop? loop, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        LoopSocket? connection = null;
        try
        {
            if (loop is null)
            {
                await socket.ConnectAsync(endPoint, cancel.Token);
                return new LoopSocket(socket, null);
            }

            if (endPoint is DnsEndPoint dns)
            {
                var addresses = await Dns.GetHostAddressesAsync(dns.Host, cancel.Token);
                endPoint = addresses.Length > 0
                    ? new IPEndPoint(addresses[0], dns.Port)
                    : throw new SocketException((int)SocketError.HostNotFound);
            }

            connection = new LoopSocket(socket, loop);
            using (cancel.Token.UnsafeRegister(static s => ((LoopSocket)s!).Dispose(), connection))
            {
                await connection.ConnectOnLoopAsync(endPoint);
            }

            return connection;
        }
        catch (Exception e) when (cancel.IsCancellationRequested && e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            Close();
            throw new TimeoutException($"No connection to {endPoint} within {timeout.TotalMilliseconds} ms.");
        }
        catch
        {
            Close();
            throw;
        }

        void Close()
        {
            if (connection is null)
            {
                socket.Dispose();
            }
            else
            {
                connection.Dispose();
            }
        }
    }

    /// <summary>Receives at most <paramref name="buffer"/>'s length; 0 at the end of the stream.</summary>
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer)
    {
        if (_loop is null)
        {
            return Socket.ReceiveAsync(buffer, SocketFlags.None);
        }

        var seen = ReadEvents;
        if (_drained && seen == _drainedAt && !_peerClosed)
        {
            // The last receive found fewer bytes than it could take and no read event came since it started: the
            // kernel has nothing (new data would have raised an event), so skip the system call that would say so.
            // Not once the peer closed or failed: the end of the stream or the error may be reported by the same
            // event as the last bytes, and recv tells it only on the next call.
            return ReceiveWhenReadyAsync(buffer, seen);
        }

        var received = Socket.Receive(buffer.Span, SocketFlags.None, out var error);
        switch (error)
        {
            case SocketError.Success:
                NoteReceived(received, buffer.Length, seen);
                return new ValueTask<int>(received);
            case SocketError.WouldBlock:
                return ReceiveWhenReadyAsync(buffer, seen);
            default:
                return ValueTask.FromException<int>(new SocketException((int)error));
        }
    }

    /// <summary>Sends all of <paramref name="data"/>.</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> data)
    {
        if (_loop is null)
        {
            var pending = Socket.SendAsync(data, SocketFlags.None);
            if (pending.IsCompletedSuccessfully)
            {
                pending.GetAwaiter().GetResult();
                return ValueTask.CompletedTask;
            }

            return AwaitSent(pending);
        }

        while (true)
        {
            var seen = Volatile.Read(ref _writeEvents);
            var sent = Socket.Send(data.Span, SocketFlags.None, out var error);
            if (error == SocketError.Success)
            {
                if (sent == data.Length)
                {
                    return ValueTask.CompletedTask;
                }

                data = data[sent..];
                continue;
            }

            return error == SocketError.WouldBlock
                ? SendWhenReadyAsync(data, seen)
                : ValueTask.FromException(new SocketException((int)error));
        }

        static async ValueTask AwaitSent(ValueTask<int> pending) => await pending;
    }

    /// <summary>
    /// True when the peer has sent something (or closed) since <paramref name="readEventsWhenIdle"/> was read from
    /// <see cref="ReadEvents"/>: a pooled connection that must not be reused. A late event for bytes already read
    /// does not count: the socket is then checked with a non-blocking peek.
    /// </summary>
    public bool ActiveSince(int readEventsWhenIdle)
    {
        if (ReadEvents == readEventsWhenIdle)
        {
            return false;
        }

        Span<byte> one = stackalloc byte[1];
        try
        {
            Socket.Receive(one, SocketFlags.Peek, out var error);
            return error != SocketError.WouldBlock;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    /// <summary>
    /// Takes the socket off its loop without closing it and gives it back blocking, for another owner (Kestrel's socket
    /// transport) to use with the .NET socket's own operations; <see cref="Dispose"/> no longer closes it. No operation
    /// may be pending. Throws <see cref="ObjectDisposedException"/> when already closed.
    /// </summary>
    public Socket Detach()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _detached = true;
        }

        if (_loop is not null)
        {
            _loop.Unregister(Key, _fd);
            Socket.Blocking = true;
        }

        return Socket;
    }

    /// <summary>
    /// Closes the socket; a pending receive or send fails with <see cref="ObjectDisposedException"/>. Does nothing once
    /// the socket was detached (it belongs to its new owner).
    /// </summary>
    public void Dispose()
    {
        Waiter? reader, writer;
        lock (_gate)
        {
            if (_disposed || _detached)
            {
                return;
            }

            _disposed = true;
            reader = _reader.TakePending();
            writer = _writer.TakePending();
        }

        _loop?.Unregister(Key, _fd);

        Socket.Dispose();
        reader?.Fail(new ObjectDisposedException(nameof(LoopSocket)));
        writer?.Fail(new ObjectDisposedException(nameof(LoopSocket)));
    }

    /// <summary>Called by the loop thread with the <c>epoll</c> event mask; resumes the waiting operations here.</summary>
    internal void OnEvents(uint events)
    {
        Waiter? reader = null, writer = null;
        lock (_gate)
        {
            if ((events & (Epoll.In | Epoll.RdHup | Epoll.Hup | Epoll.Err)) != 0)
            {
                if ((events & (Epoll.RdHup | Epoll.Hup | Epoll.Err)) != 0)
                {
                    _peerClosed = true;
                }

                _readEvents++;
                reader = _reader.TakePending();
            }

            if ((events & (Epoll.Out | Epoll.Hup | Epoll.Err)) != 0)
            {
                _writeEvents++;
                writer = _writer.TakePending();
            }
        }

        reader?.Complete();
        writer?.Complete();
    }

    /// <summary>A short read (some bytes, fewer than asked) drained the socket as of read event <paramref name="seen"/>.</summary>
    private void NoteReceived(int received, int asked, int seen)
    {
        _drained = received > 0 && received < asked;
        _drainedAt = seen;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<int> ReceiveWhenReadyAsync(Memory<byte> buffer, int seen)
    {
        while (true)
        {
            await WaitAsync(_reader, ref _readEvents, seen);
            seen = ReadEvents;
            var received = Socket.Receive(buffer.Span, SocketFlags.None, out var error);
            if (error == SocketError.Success)
            {
                NoteReceived(received, buffer.Length, seen);
                return received;
            }

            if (error != SocketError.WouldBlock)
            {
                throw new SocketException((int)error);
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendWhenReadyAsync(ReadOnlyMemory<byte> data, int seen)
    {
        while (true)
        {
            await WaitAsync(_writer, ref _writeEvents, seen);
            seen = Volatile.Read(ref _writeEvents);
            var sent = Socket.Send(data.Span, SocketFlags.None, out var error);
            if (error == SocketError.Success)
            {
                data = data[sent..];
                if (data.IsEmpty)
                {
                    return;
                }
            }
            else if (error != SocketError.WouldBlock)
            {
                throw new SocketException((int)error);
            }
        }
    }

    /// <summary>A non-blocking connect: started at once, finished when the socket becomes writable (<c>connect(2)</c>, EINPROGRESS).</summary>
    private async ValueTask ConnectOnLoopAsync(EndPoint endPoint)
    {
        var seen = Volatile.Read(ref _writeEvents);
        try
        {
            Socket.Connect(endPoint);
            return;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress or SocketError.AlreadyInProgress)
        {
        }

        while (true)
        {
            await WaitAsync(_writer, ref _writeEvents, seen);
            seen = Volatile.Read(ref _writeEvents);
            var error = (SocketError)(int)Socket.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.Error)!;
            if (error != SocketError.Success)
            {
                throw new SocketException((int)error);
            }

            // A socket registered before its connect reports "hang-up, writable" at once (tcp_poll of a closed socket):
            // that event says nothing about this connect, so it is done only once the socket really is writable.
            if (Socket.Poll(0, SelectMode.SelectWrite))
            {
                return;
            }
        }
    }

    private ValueTask WaitAsync(Waiter waiter, ref int events, int seen)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (Volatile.Read(ref events) != seen)
            {
                return ValueTask.CompletedTask;
            }

            return waiter.Arm();
        }
    }

    /// <summary>One pending wait for readiness, completed on the loop thread with continuations run inline.</summary>
    private sealed class Waiter : IValueTaskSource
    {
        private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = false };

        /// <summary>Armed and not yet completed (guarded by the socket's lock).</summary>
        private bool _pending;

        public ValueTask Arm()
        {
            _core.Reset();
            _pending = true;
            return new ValueTask(this, _core.Version);
        }

        /// <summary>This waiter, disarmed, if it was armed (the caller then completes or fails it); else null. Under the socket's lock.</summary>
        public Waiter? TakePending()
        {
            if (!_pending)
            {
                return null;
            }

            _pending = false;
            return this;
        }

        public void Complete() => _core.SetResult(true);

        public void Fail(Exception error) => _core.SetException(error);

        public void GetResult(short token) => _core.GetResult(token);

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}

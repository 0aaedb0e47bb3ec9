using System.IO.Pipelines;
using System.Net.Sockets;
using Paas.Router.Sockets;

namespace Paas.Router.Forwarding;

/// <summary>
/// One keep-alive HTTP/1.1 connection to a backend, used by one request at a time (<see cref="Http1Forwarder"/>).
/// It owns a receive buffer (<see cref="Buffer"/>, the unread bytes are <c>[Start, End)</c>) and, while it waits in
/// the pool, a pending read into that buffer: when the backend closes an idle connection that read completes, so
/// a dead connection is seen before a request is written to it, and when it is reused the same read simply becomes
/// the first read of the next response (no extra system call).
/// Timeouts are not timers: the attempt sets a deadline, and <see cref="BackendPool"/>'s heartbeat calls
/// <see cref="CheckDeadline"/>, which closes the socket and cancels the client-side pipe operations in flight.
/// </summary>
internal sealed class BackendConnection : IDisposable
{
    /// <summary>Receive buffer size; a response head may grow it up to <see cref="MaxHeadBytes"/>.</summary>
    public const int BufferSize = 16 * 1024;

    /// <summary>Largest response head accepted (nginx's default is 4-8 KB; Kestrel accepts 32 KB of request headers).</summary>
    public const int MaxHeadBytes = 128 * 1024;

    private readonly LoopSocket _socket;
    private readonly object _gate = new();
    private ValueTask<int> _readAhead;
    private bool _hasReadAhead;
    private int _readEventsWhenIdle;
    private long _deadline;
    private ForwarderError _deadlineError;
    private PipeReader? _clientReader;
    private PipeWriter? _clientWriter;
    private IDisposable? _clientSocket;
    private CancellationToken _clientAborted;
    private bool _bound;
    private volatile int _expired;
    private int _disposed;
    private int _state = Busy;

    private const int Busy = 0;
    private const int Idle = 1;
    private const int Closing = 2;

    public BackendConnection(LoopSocket socket, BackendDestination destination)
    {
        _socket = socket;
        Destination = destination;
        Buffer = new byte[BufferSize];
    }

    public BackendDestination Destination { get; }

    public byte[] Buffer { get; private set; }

    public int Start { get; set; }

    public int End { get; set; }

    /// <summary>True once the connection has served a request (so a failure before any response byte may mean it went stale).</summary>
    public bool Reused { get; private set; }

    /// <summary>When it went back to the pool (<see cref="Environment.TickCount64"/> ms).</summary>
    public long IdleSince { get; private set; }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>What ended the attempt from the heartbeat (a timeout or the client going away), or <see cref="ForwarderError.None"/>.</summary>
    public ForwarderError Expired => (ForwarderError)_expired;

    /// <summary>Unread bytes.</summary>
    public ReadOnlySpan<byte> Unread => Buffer.AsSpan(Start, End - Start);

    /// <summary>The response head of the exchange in progress (reused from one exchange to the next).</summary>
    public Http1ResponseHead Response { get; } = new();

    /// <summary>Binds the connection to one attempt and the client's abort token, which the heartbeat watches.</summary>
    public void Begin(CancellationToken clientAborted)
    {
        lock (_gate)
        {
            _bound = true;
            _clientAborted = clientAborted;
            _expired = 0;
        }
    }

    /// <summary>
    /// The client pipe operations a timeout must interrupt: the request body reader while the body is streamed,
    /// the response writer while the response body is (null to stop). Only these are cancelled, so the router's own
    /// later writes (an error page) and Kestrel's are never hit by a stale cancellation.
    /// </summary>
    public void InterruptReading(PipeReader? reader)
    {
        lock (_gate)
        {
            _clientReader = reader;
        }
    }

    /// <inheritdoc cref="InterruptReading"/>
    public void InterruptWriting(PipeWriter? writer)
    {
        lock (_gate)
        {
            _clientWriter = writer;
        }
    }

    /// <summary>
    /// The client socket a timeout must close (the plain-HTTP fast path, which has no pipes): set while the response
    /// is relayed, when a client that stopped reading would otherwise hold the exchange forever; null to stop.
    /// </summary>
    public void InterruptClient(IDisposable? socket)
    {
        lock (_gate)
        {
            _clientSocket = socket;
        }
    }

    /// <summary>Unbinds the attempt; after this the heartbeat no longer touches it or the client pipes.</summary>
    public void Finish()
    {
        lock (_gate)
        {
            _bound = false;
            _clientReader = null;
            _clientWriter = null;
            _clientSocket = null;
            _clientAborted = default;
            _deadline = 0;
        }
    }

    /// <summary>The attempt fails with <paramref name="error"/> unless there is activity within <paramref name="milliseconds"/>.</summary>
    public void SetDeadline(long milliseconds, ForwarderError error)
    {
        _deadlineError = error;
        Volatile.Write(ref _deadline, Environment.TickCount64 + milliseconds);
    }

    /// <summary>Called by the heartbeat: expires the attempt when its deadline passed or the client went away.</summary>
    public void CheckDeadline(long now)
    {
        var deadline = Volatile.Read(ref _deadline);
        if (deadline == 0)
        {
            return;
        }

        lock (_gate)
        {
            if (!_bound || _expired != 0)
            {
                return;
            }

            ForwarderError reason;
            if (_clientAborted.IsCancellationRequested)
            {
                reason = ForwarderError.ClientAborted;
            }
            else if (now >= Volatile.Read(ref _deadline) && _deadline != 0)
            {
                reason = _deadlineError;
            }
            else
            {
                return;
            }

            _expired = (int)reason;
            Close();
            _clientReader?.CancelPendingRead();
            _clientWriter?.CancelPendingFlush();
            _clientSocket?.Dispose();
        }
    }

    /// <summary>
    /// Takes the connection out of the pool: false when the heartbeat closed it meanwhile, or when the backend closed
    /// it (or sent something unasked) while it was idle.
    /// </summary>
    public bool Rent() =>
        Interlocked.CompareExchange(ref _state, Busy, Idle) == Idle
        && !(_hasReadAhead && _readAhead.IsCompleted)
        && !(_socket.OnLoop && _socket.ActiveSince(_readEventsWhenIdle));

    /// <summary>
    /// Back into the pool: starts the read that detects a close and later serves as the next response's first read
    /// (on an event loop no read is needed: the loop's read events tell, see <see cref="LoopSocket.ActiveSince"/>).
    /// False when the connection cannot be kept.
    /// </summary>
    public bool Park(long now)
    {
        Reused = true;
        IdleSince = now;
        Start = 0;
        End = 0;
        if (Buffer.Length > BufferSize)
        {
            Buffer = new byte[BufferSize];
        }

        if (_socket.OnLoop)
        {
            _readEventsWhenIdle = _socket.ReadEvents;
            return Interlocked.CompareExchange(ref _state, Idle, Busy) == Busy;
        }

        try
        {
            _readAhead = _socket.ReceiveAsync(Buffer.AsMemory());
            _hasReadAhead = true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }

        return Interlocked.CompareExchange(ref _state, Idle, Busy) == Busy;
    }

    /// <summary>Heartbeat: closes the connection if it has been idle since before <paramref name="cutoff"/>.</summary>
    public bool CloseIfIdleSince(long cutoff)
    {
        if (Volatile.Read(ref _state) != Idle || IdleSince >= cutoff || Interlocked.CompareExchange(ref _state, Closing, Idle) != Idle)
        {
            return false;
        }

        Close();
        return true;
    }

    /// <summary>Sends all of <paramref name="data"/>.</summary>
    public ValueTask SendAsync(ReadOnlyMemory<byte> data) => _socket.SendAsync(data);

    /// <summary>
    /// Receives more bytes after <see cref="End"/> (moving the unread bytes to the front first when the buffer is
    /// full, and growing it up to <paramref name="maxBytes"/> if they fill it); returns the count, 0 at end of stream.
    /// </summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> FillAsync(int maxBytes = BufferSize)
    {
        if (_hasReadAhead)
        {
            _hasReadAhead = false;
            var ahead = await _readAhead;
            End += ahead;
            return ahead;
        }

        if (End == Buffer.Length)
        {
            if (Start > 0)
            {
                Buffer.AsSpan(Start, End - Start).CopyTo(Buffer);
                End -= Start;
                Start = 0;
            }
            else if (Buffer.Length < maxBytes)
            {
                var larger = new byte[Math.Min(Buffer.Length * 2, maxBytes)];
                Buffer.AsSpan(0, End).CopyTo(larger);
                Buffer = larger;
            }
            else
            {
                throw new InvalidDataException($"The backend's response head is larger than {maxBytes} bytes.");
            }
        }
        else if (Start == End)
        {
            Start = 0;
            End = 0;
        }

        var read = await _socket.ReceiveAsync(Buffer.AsMemory(End));
        End += read;
        return read;
    }

    /// <summary>Receives straight into <paramref name="destination"/> (used once the buffer is drained).</summary>
    public ValueTask<int> ReceiveAsync(Memory<byte> destination)
    {
        if (_hasReadAhead)
        {
            throw new InvalidOperationException("The read-ahead must be consumed with FillAsync first.");
        }

        return _socket.ReceiveAsync(destination);
    }

    /// <summary>Closes the socket; true the first time (the destination's count of open connections goes down once).</summary>
    public bool Close()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return false;
        }

        _socket.Dispose();
        Destination.OnClosed();
        return true;
    }

    public void Dispose() => Close();
}

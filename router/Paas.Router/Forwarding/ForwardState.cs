namespace Paas.Router.Forwarding;

/// <summary>
/// Per-attempt state shared by the forwarder and the request body content: one cancellation source and what
/// happened. Timing is cheap on the hot path: marking activity only stores a timestamp; the single timer is
/// armed once and, when it fires early (because activity moved the deadline), re-arms itself for the rest.
/// </summary>
internal sealed class ForwardState : IDisposable
{
    /// <summary>Set on the backend request only when an app overrides the connect timeout (read by the connect callback).</summary>
    public static readonly HttpRequestOptionsKey<ForwardState> Key = new("paas.router.forward");

    private readonly long _firstByteMs;
    private readonly long _idleMs;
    private readonly Timer _timer;
    private long _deadline;
    private long _scheduledAt;
    private volatile bool _idleTiming;
    private volatile bool _responseStarted;

    public ForwardState(TimeSpan connect, TimeSpan firstByte, TimeSpan idle, CancellationToken requestAborted)
    {
        ConnectTimeout = connect;
        _firstByteMs = (long)firstByte.TotalMilliseconds;
        _idleMs = (long)idle.TotalMilliseconds;
        var window = _firstByteMs;
        _deadline = Environment.TickCount64 + window;
        _scheduledAt = _deadline;
        Timer = requestAborted.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(requestAborted)
            : new CancellationTokenSource();
        _timer = new Timer(static s => ((ForwardState)s!).OnTimer(), this, window, Timeout.Infinite);
    }

    /// <summary>Cancelled when the active timeout expires or the client goes away.</summary>
    public CancellationTokenSource Timer { get; }

    public TimeSpan ConnectTimeout { get; }

    public bool RequestBodyStarted { get; set; }

    public bool ClientBodyFailed { get; set; }

    /// <summary>True once an idle window (body or upgraded stream) is being timed, so a cancellation reads as idle.</summary>
    public bool IdlePhase => _idleTiming;

    /// <summary>Activity on a body or an upgraded stream: the idle window restarts.</summary>
    public void Touch()
    {
        _idleTiming = true;
        MoveDeadline(_idleMs);
    }

    /// <summary>The request body is fully sent: the first-byte window starts now (as Heroku's 30 s window does).</summary>
    public void RequestBodySent()
    {
        if (!_responseStarted)
        {
            _idleTiming = false;
            MoveDeadline(_firstByteMs);
        }
    }

    /// <summary>Response headers arrived: from now on only idleness is timed.</summary>
    public void ResponseStarted()
    {
        _responseStarted = true;
        Touch();
    }

    /// <summary>Makes the timer fire within <paramref name="delay"/> (used to wind down an upgraded connection).</summary>
    public void ExpireAfter(TimeSpan delay) => MoveDeadline((long)delay.TotalMilliseconds);

    public void Dispose()
    {
        _timer.Dispose();
        Timer.Dispose();
    }

    /// <summary>Sets the deadline <paramref name="fromNowMs"/> ahead; the timer is only touched when the deadline comes earlier than scheduled.</summary>
    private void MoveDeadline(long fromNowMs)
    {
        var deadline = Environment.TickCount64 + fromNowMs;
        Volatile.Write(ref _deadline, deadline);
        if (deadline < Volatile.Read(ref _scheduledAt))
        {
            Volatile.Write(ref _scheduledAt, deadline);
            Reschedule(fromNowMs);
        }
    }

    private void Reschedule(long fromNowMs)
    {
        try
        {
            _timer.Change(fromNowMs, Timeout.Infinite);
        }
        catch (ObjectDisposedException)
        {
            // The attempt is over.
        }
    }

    private void OnTimer()
    {
        var left = Volatile.Read(ref _deadline) - Environment.TickCount64;
        if (left > 0)
        {
            Volatile.Write(ref _scheduledAt, Environment.TickCount64 + left);
            Reschedule(left);
            return;
        }

        try
        {
            Timer.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The attempt finished as the timer fired.
        }
    }
}

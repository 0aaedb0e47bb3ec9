using System.Diagnostics;

namespace Paas.Router.Forwarding;

/// <summary>
/// Per-attempt state shared by the forwarder, the request body content and the connect callback (through
/// <see cref="HttpRequestMessage.Options"/>): one timer (a cancellation source re-armed as the exchange moves
/// from connect/first byte to streaming) and what happened.
/// </summary>
internal sealed class ForwardState : IDisposable
{
    public static readonly HttpRequestOptionsKey<ForwardState> Key = new("paas.router.forward");

    private readonly TimeSpan _firstByte;
    private readonly TimeSpan _idle;
    private volatile bool _responseStarted;

    public ForwardState(TimeSpan connect, TimeSpan firstByte, TimeSpan idle, CancellationToken requestAborted)
    {
        ConnectTimeout = connect;
        _firstByte = firstByte;
        _idle = idle;
        Timer = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        Timer.CancelAfter(firstByte + connect);
    }

    /// <summary>Cancelled when the active timeout expires or the client goes away.</summary>
    public CancellationTokenSource Timer { get; }

    public TimeSpan ConnectTimeout { get; }

    public long ConnectMilliseconds { get; set; }

    public bool ConnectTimedOut { get; set; }

    public bool RequestBodyStarted { get; set; }

    public bool ClientBodyFailed { get; set; }

    /// <summary>Set when an idle timer was armed last, so a cancellation reads as an idle timeout.</summary>
    public bool IdlePhase { get; private set; }

    public void RecordConnect(long startTimestamp) =>
        ConnectMilliseconds = (long)Stopwatch.GetElapsedTime(startTimestamp).TotalMilliseconds;

    /// <summary>Re-arms the idle timer after activity on a body or an upgraded stream.</summary>
    public void Touch()
    {
        IdlePhase = true;
        Timer.CancelAfter(_idle);
    }

    /// <summary>The request body is fully sent: the first-byte window starts now (as Heroku's 30 s window does).</summary>
    public void RequestBodySent()
    {
        if (!_responseStarted)
        {
            IdlePhase = false;
            Timer.CancelAfter(_firstByte);
        }
    }

    /// <summary>Response headers arrived: from now on only idleness is timed.</summary>
    public void ResponseStarted()
    {
        _responseStarted = true;
        Touch();
    }

    public void Dispose() => Timer.Dispose();
}

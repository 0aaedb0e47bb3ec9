using Paas.Router.Routing;

namespace Paas.Router.Balancing;

/// <summary>
/// Live state of one endpoint, kept across route table swaps: requests in flight (for least-outstanding
/// selection) and, after a refused connection, the time until which it is out of rotation.
/// </summary>
internal sealed class EndpointState(RouteEndpoint endpoint)
{
    private int _outstanding;
    private long _downUntil;

    public RouteEndpoint Endpoint { get; } = endpoint;

    /// <summary>The process name for log lines (<c>web.1</c>).</summary>
    public string Process { get; } = endpoint.Process;

    /// <summary><c>http://host:port</c>, to which the request path and query are appended.</summary>
    public string DestinationPrefix { get; } = "http://" + endpoint.Address;

    public int Outstanding => Volatile.Read(ref _outstanding);

    /// <summary>True while out of rotation (<paramref name="now"/> in <see cref="Environment.TickCount64"/> ms).</summary>
    public bool IsDown(long now) => Volatile.Read(ref _downUntil) > now;

    public void Enter() => Interlocked.Increment(ref _outstanding);

    public void Leave() => Interlocked.Decrement(ref _outstanding);

    /// <summary>Takes the endpoint out of rotation for <paramref name="retryAfter"/>; it is tried again afterwards.</summary>
    public void MarkDown(TimeSpan retryAfter) =>
        Volatile.Write(ref _downUntil, Environment.TickCount64 + (long)retryAfter.TotalMilliseconds);

    /// <summary>Puts the endpoint back in rotation after a successful connection.</summary>
    public void MarkUp()
    {
        if (Volatile.Read(ref _downUntil) != 0)
        {
            Volatile.Write(ref _downUntil, 0);
        }
    }
}

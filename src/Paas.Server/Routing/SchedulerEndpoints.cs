using Paas.Scheduling;
using RouteEndpoint = Paas.Router.Routing.RouteEndpoint;

namespace Paas.Server;

/// <summary>
/// The router's endpoints from the scheduler's <see cref="IEndpointFeed"/>: each up web process as <c>host:port</c> and its
/// name; the feed's <see cref="IEndpointFeed.Changed"/> is this source's <see cref="Changed"/>.
/// </summary>
internal sealed class SchedulerEndpoints : IRouteEndpointSource
{
    private readonly IEndpointFeed _feed;

    public SchedulerEndpoints(IEndpointFeed feed)
    {
        _feed = feed;
        _feed.Changed += (_, _) => Changed?.Invoke(this, EventArgs.Empty);
    }

    public event EventHandler? Changed;

    public IReadOnlyList<RouteEndpoint> EndpointsOf(string app) =>
        [.. _feed.GetEndpoints(app).Select(e => new RouteEndpoint(e.Host.Contains(':', StringComparison.Ordinal) ? $"[{e.Host}]:{e.Port}" : $"{e.Host}:{e.Port}", e.Process))];
}

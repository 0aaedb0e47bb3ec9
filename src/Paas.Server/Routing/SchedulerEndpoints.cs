using Paas.Scheduling;
using RouteEndpoint = Paas.Router.Routing.RouteEndpoint;

namespace Paas.Server;

/// <summary>The router's endpoints from the scheduler's <see cref="IEndpointFeed"/>: each up web process as <c>host:port</c> and its name.</summary>
internal sealed class SchedulerEndpoints(IEndpointFeed feed) : IRouteEndpointSource
{
    public IReadOnlyList<RouteEndpoint> EndpointsOf(string app) =>
        [.. feed.GetEndpoints(app).Select(e => new RouteEndpoint(e.Host.Contains(':', StringComparison.Ordinal) ? $"[{e.Host}]:{e.Port}" : $"{e.Host}:{e.Port}", e.Process))];
}

using Paas.Router.Balancing;

namespace Paas.Router.Routing;

/// <summary>One app of a compiled route table: the route, its endpoints' live state and its resolved timeouts.</summary>
internal sealed class AppState(AppRoute route, EndpointState[] endpoints, ResolvedTimeouts timeouts)
{
    public string Name { get; } = route.App;

    public AppRoute Route { get; } = route;

    public EndpointState[] Endpoints { get; } = endpoints;

    public ResolvedTimeouts Timeouts { get; } = timeouts;
}

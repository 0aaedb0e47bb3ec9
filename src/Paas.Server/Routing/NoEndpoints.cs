using RouteEndpoint = Paas.Router.Routing.RouteEndpoint;

namespace Paas.Server;

/// <summary>The endpoint source while the scheduler runs no processes (the recording test double): every app answers 503 (H14).</summary>
internal sealed class NoEndpoints : IRouteEndpointSource
{
    public IReadOnlyList<RouteEndpoint> EndpointsOf(string app) => [];
}

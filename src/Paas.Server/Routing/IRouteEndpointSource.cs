using RouteEndpoint = Paas.Router.Routing.RouteEndpoint;

namespace Paas.Server;

/// <summary>Where the route feed learns each app's up web processes (the scheduler's side of the router's table).</summary>
public interface IRouteEndpointSource
{
    /// <summary>The app's web processes that are up and accepting connections.</summary>
    /// <param name="app">The app's name.</param>
    /// <returns>Their addresses and process names; empty when none is up.</returns>
    IReadOnlyList<RouteEndpoint> EndpointsOf(string app);

    /// <summary>
    /// Raised after some app's endpoints changed, so that the route feed reads them again; handlers are quick and do not
    /// throw. The default never raises it: a source without events is read at each other route change and at the feed's
    /// safety re-read (every 30 s).
    /// </summary>
    event EventHandler? Changed
    {
        add { }
        remove { }
    }
}

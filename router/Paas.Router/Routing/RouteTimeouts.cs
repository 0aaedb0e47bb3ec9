namespace Paas.Router.Routing;

/// <summary>Per-app overrides of the router timeouts; null means the router default.</summary>
/// <param name="Connect">Time to open a connection to a process (default 5 s; H19 on expiry).</param>
/// <param name="FirstByte">Time from the end of the request to the first byte of the response (default 30 s; 504 and H12).</param>
/// <param name="Idle">Longest silence while a body or an upgraded connection streams (default 55 s; H15).</param>
public sealed record RouteTimeouts(TimeSpan? Connect = null, TimeSpan? FirstByte = null, TimeSpan? Idle = null);

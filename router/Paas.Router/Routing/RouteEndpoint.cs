namespace Paas.Router.Routing;

/// <summary>One running web process the router may forward to.</summary>
/// <param name="Address">Where the process listens, as <c>host:port</c> (<c>127.0.0.1:5001</c>, <c>[::1]:5001</c>,
/// <c>web-1.app.svc:5000</c>). Requests are forwarded over plain HTTP/1.1.</param>
/// <param name="Process">The process name shown as <c>dyno=</c> in router log lines, e.g. <c>web.1</c>.</param>
public sealed record RouteEndpoint(string Address, string Process);

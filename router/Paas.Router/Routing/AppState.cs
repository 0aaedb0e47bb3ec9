using System.Net;
using Paas.Router.Balancing;
using Yarp.ReverseProxy.Forwarder;

namespace Paas.Router.Routing;

/// <summary>
/// One app of a compiled route table: the route, its endpoints' live state, its resolved timeouts and the YARP
/// request configurations derived from them, all built when the route table changes, not per request.
/// </summary>
internal sealed class AppState
{
    public AppState(AppRoute route, EndpointState[] endpoints, ResolvedTimeouts timeouts, string hsts)
    {
        Hsts = hsts;
        Name = route.App;
        Route = route;
        Endpoints = endpoints;
        Timeouts = timeouts;
        Http1 = new ForwarderRequestConfig
        {
            ActivityTimeout = timeouts.Idle,
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };
        Grpc = route.GrpcOverH2c
            ? new ForwarderRequestConfig
            {
                ActivityTimeout = timeouts.Idle,
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            }
            : Http1;
    }

    public string Name { get; }

    public AppRoute Route { get; }

    public EndpointState[] Endpoints { get; }

    public ResolvedTimeouts Timeouts { get; }

    /// <summary>The <c>Strict-Transport-Security</c> value sent for <c>tls:enable</c> apps (<c>max-age=SECONDS</c>).</summary>
    public string Hsts { get; }

    /// <summary>Every request: HTTP/1.1 to the process (upgrades included), idle timeout as YARP's activity timeout.</summary>
    public ForwarderRequestConfig Http1 { get; }

    /// <summary>gRPC requests: HTTP/2 prior knowledge when <see cref="AppRoute.GrpcOverH2c"/>, else <see cref="Http1"/>.</summary>
    public ForwarderRequestConfig Grpc { get; }
}

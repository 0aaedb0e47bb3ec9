using Microsoft.AspNetCore.Http;
using Paas.Testing.Kubernetes.Api;

namespace Paas.Testing.Kubernetes.Streaming;

/// <summary>pods/log, pods/exec and pods/attach.</summary>
/// <param name="server">The server.</param>
public sealed class StreamEndpoints(FakeKubernetesApiServer server)
{
    /// <summary>Serves a log.</summary>
    public Task ServeLogAsync(HttpContext ctx, ApiPath p) => throw Statuses.BadRequest($"not yet {server.Url} {p}");

    /// <summary>Serves exec or attach.</summary>
    public Task ServeChannelAsync(HttpContext ctx, ApiPath p) => throw Statuses.BadRequest($"not yet {server.Url} {p}");
}

using Microsoft.AspNetCore.Routing;

namespace Paas.Builder;

/// <summary>Maps the builder's HTTP routes into a host's endpoints.</summary>
public static class BuilderEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps git smart HTTP at <c>/{app}.git/info/refs</c>, <c>/{app}.git/git-upload-pack</c> and
    /// <c>/{app}.git/git-receive-pack</c>, the pre-receive hook's callback <c>POST /v2/builder/pushes/{id}</c>, and the build
    /// pods' one-time transfers <c>GET|PUT /v2/builder/transfers/{token}</c>.
    /// </summary>
    /// <param name="endpoints">The host's endpoints (paasd: the controller's, on PAAS_API_PORT).</param>
    /// <returns>The endpoints.</returns>
    public static IEndpointRouteBuilder MapBuilderApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGitHttpApi();
        endpoints.MapBuildCallbackApi();
        endpoints.MapBuildTransferApi();
        return endpoints;
    }
}

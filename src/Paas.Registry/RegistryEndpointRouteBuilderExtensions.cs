using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Paas.Registry.Api;

namespace Paas.Registry;

/// <summary>Maps the registry's HTTP API.</summary>
public static class RegistryEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>/v2</c> and everything under <c>/v2/</c> (all methods) to the OCI distribution API,
    /// including the token endpoint <c>/v2/token</c>. The registry expects to own <c>/v2/</c> on its
    /// port (<c>PAAS_REGISTRY_PORT</c>, default 5000); requires <see cref="RegistryServiceCollectionExtensions.AddPaasRegistry"/>.
    /// Request bodies of uploads are not limited by Kestrel's <c>MaxRequestBodySize</c>; manifests are limited to
    /// <see cref="RegistryOptions.MaxManifestBytes"/>.
    /// </summary>
    /// <param name="endpoints">The endpoint route builder (usually the <c>WebApplication</c>).</param>
    /// <returns><paramref name="endpoints"/>.</returns>
    public static IEndpointRouteBuilder MapRegistryApi(this IEndpointRouteBuilder endpoints)
    {
        static Task Handle(HttpContext context) => context.RequestServices.GetRequiredService<RegistryApiHandler>().HandleAsync(context);
        endpoints.Map("/v2", Handle).WithDisplayName("OCI registry /v2");
        endpoints.Map("/v2/{**path}", Handle).WithDisplayName("OCI registry /v2/...");
        return endpoints;
    }
}

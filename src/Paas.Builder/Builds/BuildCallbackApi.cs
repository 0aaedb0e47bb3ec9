using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;

namespace Paas.Builder;

/// <summary>
/// <c>POST /v2/builder/pushes/{id}</c>: called by the <see cref="PreReceiveHook"/> of a push being received; runs the build
/// and answers its output as <c>text/plain</c>, line by line, ending with <c>paas-exit: 0</c> (release made) or
/// <c>paas-exit: 1</c>. The random push id, known only to that receive-pack's environment, is the credential; each id
/// builds once.
/// </summary>
internal static class BuildCallbackApi
{
    /// <summary>Maps the callback route.</summary>
    public static IEndpointRouteBuilder MapBuildCallbackApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/v2/builder/pushes/{id}", RunAsync).ExcludeFromDescription();
        return endpoints;
    }

    private static async Task RunAsync(string id, HttpContext context, PushRegistry pushes, BuildPipeline pipeline)
    {
        if (pushes.Take(id) is not { } push)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            await context.Response.WriteAsync(" !     unknown push\n" + PreReceiveHook.ExitPrefix + "1\n").ConfigureAwait(false);
            return;
        }

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        context.Response.ContentType = "text/plain; charset=utf-8";
        var output = new BuildOutput(context.Response.Body);
        var version = await pipeline.RunAsync(push, output, context.RequestAborted).ConfigureAwait(false); // the hook (and so the push) went away: stop
        await output.LineAsync(PreReceiveHook.ExitPrefix + (version is null ? "1" : "0")).ConfigureAwait(false);
    }
}

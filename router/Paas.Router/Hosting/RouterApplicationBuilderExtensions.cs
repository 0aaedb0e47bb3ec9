using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Paas.Router.Pipeline;

namespace Paas.Router.Hosting;

/// <summary>Attaches the router to the request pipeline.</summary>
public static class RouterApplicationBuilderExtensions
{
    /// <summary>
    /// Serves every request that arrived on a router listener (see
    /// <see cref="RouterKestrelExtensions.ListenPaasRouter"/>) with the router, terminally; requests on the host's
    /// other endpoints go on to the rest of the pipeline untouched. Put it first, before routing, authentication
    /// and the like, so app traffic pays for nothing else.
    /// </summary>
    /// <param name="app">The application builder.</param>
    /// <returns><paramref name="app"/>.</returns>
    public static IApplicationBuilder UsePaasRouter(this IApplicationBuilder app)
    {
        var pipeline = app.ApplicationServices.GetRequiredService<RouterPipeline>();
        return app.Use(next => context => RouterConnection.Is(context) ? pipeline.InvokeAsync(context) : next(context));
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Paas.Domain;
using Paas.Scheduling.Logs;

namespace Paas.Controller;

/// <summary>
/// <c>GET /v2/apps/{app}/logs?lines=N&amp;process=web&amp;follow=true</c>: the app's log lines as <c>text/plain</c>, one per line in
/// Heroku's format (<c>2026-11-21T08:40:12.123456+00:00 app[web.1]: ...</c>); with <c>follow</c> the answer stays open and new
/// lines are streamed until the client disconnects (<c>paas logs -t</c>).
/// </summary>
internal static class LogsApi
{
    public const int DefaultLines = 100;

    public static IEndpointRouteBuilder MapLogsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/v2/apps/{app}/logs", LogsAsync).WithTags("Logs").RequireAuthorization()
            .WithSummary("The app's logs: process output, router lines and platform events (?lines=1-1500&process=web|web.1&follow=true).")
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        return endpoints;
    }

    private static async Task LogsAsync(string app, int? lines, string? process, bool? follow, HttpContext context, AppAccess access, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.View, cancellationToken).ConfigureAwait(false);
        var store = context.RequestServices.GetService<IAppLogStore>()
            ?? throw Problems.NotFound("this platform keeps no logs (its scheduler has no log store)");
        var n = lines ?? DefaultLines;
        if (n is < 1 or > 1500)
        {
            throw Problems.Invalid($"lines={n} is out of range: use 1 to 1500");
        }

        if (process is { Length: > 0 } && ProcessTypes.ValidateName(process.Split('.', 2)[0]) is not null)
        {
            throw Problems.Invalid($"'{process}' names neither a process type (web) nor a process (web.1)");
        }

        var filter = string.IsNullOrEmpty(process) ? null : process;
        context.Response.ContentType = "text/plain; charset=utf-8";
        if (follow != true)
        {
            foreach (var line in store.Tail(found.Name, n, filter))
            {
                await context.Response.WriteAsync(line + "\n", cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        context.Response.Headers.CacheControl = "no-cache";
        context.Response.Headers["X-Accel-Buffering"] = "no";
        await context.Response.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await foreach (var line in store.FollowAsync(found.Name, n, filter, cancellationToken).ConfigureAwait(false))
            {
                await context.Response.WriteAsync(line + "\n", cancellationToken).ConfigureAwait(false);
                await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the client stopped following
        }
    }
}

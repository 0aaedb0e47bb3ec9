using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Paas.Client;
using Paas.Domain;
using Paas.Scheduling;

namespace Paas.Controller;

/// <summary>The formation routes: <c>/v2/apps/{app}/pods</c>, <c>/scale</c>, <c>/pods/restart</c>.</summary>
internal static class FormationApi
{
    public static IEndpointRouteBuilder MapFormationApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v2/apps/{app}").WithTags("Formation").RequireAuthorization();
        group.MapGet("/pods", ListAsync).WithSummary("The app's processes and their states.");
        group.MapPost("/scale", ScaleAsync).WithSummary("Sets process counts ({\"web\": 4, \"worker\": 1}); only types of the current build, counts 0-100.");
        group.MapPost("/pods/restart", RestartAsync).WithSummary("Restarts all processes, one type (web) or one process (web.2), rolling.");
        return endpoints;
    }

    private static async Task<Ok<PagedList<ProcessInfo>>> ListAsync(string app, int? limit, int? offset, HttpContext context, AppAccess access, IScheduler scheduler, CancellationToken cancellationToken)
    {
        var paging = Paging.From(limit, offset);
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.View, cancellationToken).ConfigureAwait(false);
        var processes = await scheduler.ListAsync(found.Name, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(paging.Slice(context.Request, [.. processes.Select(p => p.ToInfo())]));
    }

    private static async Task<NoContent> ScaleAsync(string app, Dictionary<string, int> request, HttpContext context, AppAccess access, ReleaseService releases, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.Deploy, cancellationToken).ConfigureAwait(false);
        await releases.ScaleAsync(found, request, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> RestartAsync(string app, RestartRequest? request, HttpContext context, AppAccess access, ReleaseService releases, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.Deploy, cancellationToken).ConfigureAwait(false);
        var target = request?.Type?.Trim();
        if (!string.IsNullOrEmpty(target))
        {
            var type = target.Split('.', 2)[0];
            if (ProcessTypes.ValidateName(type) is { } error || (target.Contains('.', StringComparison.Ordinal) && !int.TryParse(target.Split('.', 2)[1], out _)))
            {
                throw Problems.Invalid($"'{target}' names neither a process type (web) nor a process (web.2)");
            }
        }

        await releases.RestartAsync(found, string.IsNullOrEmpty(target) ? null : target, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }
}

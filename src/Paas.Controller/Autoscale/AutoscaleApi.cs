using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Paas.Client;
using Paas.Data;
using Paas.Domain;
using Paas.Scheduling;

namespace Paas.Controller;

/// <summary>
/// The <c>/v2/apps/{app}/autoscale</c> routes: autoscaling policies per process type, not part of a release (like the
/// formation), applied at once through the scheduler. Only a scheduler that can autoscale takes them (422 otherwise); while
/// a type has one, <c>scale</c> of that type answers 409. Reading needs the view role, changing the deploy role (as scale).
/// </summary>
internal static class AutoscaleApi
{
    public static IEndpointRouteBuilder MapAutoscaleApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v2/apps/{app}/autoscale").WithTags("Autoscale").RequireAuthorization();
        group.MapGet("/", GetAsync).WithSummary("The app's autoscaling policies per process type, and whether this platform's scheduler can autoscale.");
        group.MapPut("/{type}", SetAsync).WithSummary("Sets the policy of one type ({\"min\": 2, \"max\": 10, \"cpu_percent\": 70}; 1 <= min <= max <= 100) and applies it; 422 when the scheduler cannot autoscale.");
        group.MapDelete("/{type}", RemoveAsync).WithSummary("Stops autoscaling one type; its formation count applies again. 404 when it is not autoscaled.");
        return endpoints;
    }

    private static async Task<Ok<AutoscaleInfo>> GetAsync(string app, HttpContext context, AppAccess access, AutoscaleStore autoscale, IScheduler scheduler, IOptions<PaasOptions> options, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.View, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(Info(found.Name, await autoscale.GetAsync(found.Id, cancellationToken).ConfigureAwait(false), scheduler, options.Value));
    }

    private static async Task<Ok<AutoscaleInfo>> SetAsync(string app, string type, AutoscalePolicyInfo request, HttpContext context, AppAccess access, ReleaseService releases, IScheduler scheduler, IOptions<PaasOptions> options, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.Deploy, cancellationToken).ConfigureAwait(false);
        var policies = await releases.SetAutoscaleAsync(found, type, new AutoscalePolicy(request.Min, request.Max, request.CpuPercent), cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(Info(found.Name, policies, scheduler, options.Value));
    }

    private static async Task<NoContent> RemoveAsync(string app, string type, HttpContext context, AppAccess access, ReleaseService releases, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.Deploy, cancellationToken).ConfigureAwait(false);
        await releases.RemoveAutoscaleAsync(found, type, cancellationToken).ConfigureAwait(false);
        return TypedResults.NoContent();
    }

    private static AutoscaleInfo Info(string app, IReadOnlyDictionary<string, AutoscalePolicy> policies, IScheduler scheduler, PaasOptions options) =>
        new(app, scheduler.SupportsAutoscaling, policies.ToInfo(), scheduler.SupportsAutoscaling ? null : ReleaseService.AutoscaleUnsupported(options));
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Paas.Client;
using Paas.Data;
using Paas.Domain;

namespace Paas.Controller;

/// <summary>
/// The <c>/v2/apps/{app}/healthchecks</c> routes (Deis Workflow's <c>healthchecks</c>): an HTTP check per process type, part
/// of the release, so a change makes a new release and a rollback restores it. Reading needs the view role, changing the
/// deploy role (as config).
/// </summary>
internal static class HealthChecksApi
{
    public static IEndpointRouteBuilder MapHealthChecksApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v2/apps/{app}/healthchecks").WithTags("Health checks").RequireAuthorization();
        group.MapGet("/", GetAsync).WithSummary("The current release's health checks per process type.");
        group.MapPost("/", SetAsync).WithSummary("Sets the health check of one type ({\"type\": \"web\", \"path\": \"/health\", \"timeout_seconds\": 2, \"interval_seconds\": 5, \"failure_threshold\": 3}), making a new release; 409 when it is the same.");
        group.MapDelete("/{type}", RemoveAsync).WithSummary("Removes the health check of one type, making a new release; 404 when it has none.");
        return endpoints;
    }

    private static async Task<Ok<HealthChecksInfo>> GetAsync(string app, HttpContext context, AppAccess access, LedgerStore ledger, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.View, cancellationToken).ConfigureAwait(false);
        var current = await ledger.CurrentAsync(found.Id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new HealthChecksInfo(found.Name, current?.Version ?? 0, (current?.HealthChecks ?? new Dictionary<string, HealthCheck>()).ToInfo()));
    }

    private static async Task<Created<HealthChecksInfo>> SetAsync(string app, HealthCheckSetRequest request, HttpContext context, AppAccess access, ReleaseService releases, CancellationToken cancellationToken)
    {
        var user = context.PaasUser();
        var found = await access.RequireAsync(app, user, AppRole.Deploy, cancellationToken).ConfigureAwait(false);
        var defaults = new HealthCheck("/");
        var check = new HealthCheck(
            request.Path,
            request.TimeoutSeconds ?? defaults.TimeoutSeconds,
            request.IntervalSeconds ?? defaults.IntervalSeconds,
            request.FailureThreshold ?? defaults.FailureThreshold);
        var release = await releases.SetHealthCheckAsync(found, user, request.Type, check, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/v2/apps/{found.Name}/releases/v{release.Version}", new HealthChecksInfo(found.Name, release.Version, release.HealthChecks.ToInfo()));
    }

    private static async Task<Ok<HealthChecksInfo>> RemoveAsync(string app, string type, HttpContext context, AppAccess access, ReleaseService releases, CancellationToken cancellationToken)
    {
        var user = context.PaasUser();
        var found = await access.RequireAsync(app, user, AppRole.Deploy, cancellationToken).ConfigureAwait(false);
        var release = await releases.RemoveHealthCheckAsync(found, user, type, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new HealthChecksInfo(found.Name, release.Version, release.HealthChecks.ToInfo()));
    }
}

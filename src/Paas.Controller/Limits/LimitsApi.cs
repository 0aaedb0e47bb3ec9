using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Paas.Client;
using Paas.Data;
using Paas.Domain;

namespace Paas.Controller;

/// <summary>
/// The <c>/v2/apps/{app}/limits</c> routes (Deis Workflow's <c>limits</c>): memory and CPU per process type, part of the
/// release, so a change makes a new release and a rollback restores them. Reading needs the view role, changing the deploy role
/// (as config).
/// </summary>
internal static class LimitsApi
{
    public static IEndpointRouteBuilder MapLimitsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v2/apps/{app}/limits").WithTags("Limits").RequireAuthorization();
        group.MapGet("/", GetAsync).WithSummary("The current release's limits per process type, and whether this platform's scheduler enforces them.");
        group.MapPost("/", SetAsync).WithSummary("Sets and removes limits ({\"memory\": {\"web\": \"512M\"}, \"cpu\": {\"web\": \"500m\", \"worker\": null}}), making a new release; memory 4M-64G (B, K, M, G: 1024 multiples), CPU 10m-64; 409 when nothing changes.");
        return endpoints;
    }

    private static async Task<Ok<LimitsInfo>> GetAsync(string app, HttpContext context, AppAccess access, LedgerStore ledger, IOptions<PaasOptions> options, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.View, cancellationToken).ConfigureAwait(false);
        var current = await ledger.CurrentAsync(found.Id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(Info(found.Name, current?.Version ?? 0, current?.Limits ?? new Dictionary<string, ProcessLimits>(), options.Value));
    }

    private static async Task<Created<LimitsInfo>> SetAsync(string app, LimitsUpdateRequest request, HttpContext context, AppAccess access, ReleaseService releases, IOptions<PaasOptions> options, CancellationToken cancellationToken)
    {
        var user = context.PaasUser();
        var found = await access.RequireAsync(app, user, AppRole.Deploy, cancellationToken).ConfigureAwait(false);
        var release = await releases.ChangeLimitsAsync(found, user, request.Memory, request.Cpu, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/v2/apps/{found.Name}/releases/v{release.Version}", Info(found.Name, release.Version, release.Limits, options.Value));
    }

    private static LimitsInfo Info(string app, int release, IReadOnlyDictionary<string, ProcessLimits> limits, PaasOptions options)
    {
        var (enforced, note) = ApiMapper.LimitsEnforcement(options);
        return new LimitsInfo(app, release, limits.ToInfo(), enforced, note);
    }
}

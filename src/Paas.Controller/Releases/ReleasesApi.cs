using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Paas.Client;
using Paas.Data;
using Paas.Domain;

namespace Paas.Controller;

/// <summary>The <c>/v2/apps/{app}/releases</c> routes: the ledger, one release, rollback.</summary>
internal static class ReleasesApi
{
    public static IEndpointRouteBuilder MapReleasesApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v2/apps/{app}/releases").WithTags("Releases").RequireAuthorization();
        group.MapGet("/", ListAsync).WithSummary("The app's releases, newest first (?limit=&offset=).");
        group.MapGet("/{version}", GetAsync).WithSummary("One release, with its config vars, limits and health checks; the version is written v3 (or 3).");
        group.MapPost("/rollback", RollbackAsync).WithSummary("Makes a new release with the build and config (with limits and health checks) of an earlier one (default: the one before the current).");
        return endpoints;
    }

    private static async Task<Ok<PagedList<ReleaseInfo>>> ListAsync(string app, int? limit, int? offset, HttpContext context, AppAccess access, LedgerStore ledger, CancellationToken cancellationToken)
    {
        var paging = Paging.From(limit, offset);
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.View, cancellationToken).ConfigureAwait(false);
        var (count, page) = await ledger.ListAsync(found.Id, paging.Limit, paging.Offset, cancellationToken).ConfigureAwait(false);
        var current = page.FirstOrDefault(r => r.State == ReleaseState.Succeeded)?.Version;
        if (paging.Offset > 0 || current is null)
        {
            current = (await ledger.CurrentAsync(found.Id, cancellationToken).ConfigureAwait(false))?.Version;
        }

        return TypedResults.Ok(paging.Page(context.Request, count, [.. page.Select(r => r.ToInfo(found.Name, current ?? 0, withConfig: false))]));
    }

    private static async Task<Ok<ReleaseInfo>> GetAsync(string app, string version, HttpContext context, AppAccess access, LedgerStore ledger, CancellationToken cancellationToken)
    {
        var number = ParseVersion(version);
        var user = context.PaasUser();
        var found = await access.RequireAsync(app, user, AppRole.View, cancellationToken).ConfigureAwait(false);
        var release = await ledger.FindAsync(found.Id, number, cancellationToken).ConfigureAwait(false)
            ?? throw Problems.NotFound($"{app} has no release v{number}: run 'paas releases -a {app}' to list them");
        var current = await ledger.CurrentAsync(found.Id, cancellationToken).ConfigureAwait(false);
        // Config vars may hold secrets: only those who may change them (deploy and up) see them, as with GET config.
        var seesConfig = await access.RoleOfAsync(found, user, cancellationToken).ConfigureAwait(false) >= AppRole.Deploy;
        return TypedResults.Ok(release.ToInfo(found.Name, current?.Version ?? 0, withConfig: seesConfig) with { Limits = release.Limits.ToInfo(), Healthchecks = release.HealthChecks.ToInfo() });
    }

    private static async Task<Created<ReleaseInfo>> RollbackAsync(string app, RollbackRequest? request, HttpContext context, AppAccess access, ReleaseService releases, CancellationToken cancellationToken)
    {
        var user = context.PaasUser();
        var found = await access.RequireAsync(app, user, AppRole.Deploy, cancellationToken).ConfigureAwait(false);
        var release = await releases.RollbackAsync(found, user, request?.Version, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/v2/apps/{found.Name}/releases/v{release.Version}", release.ToInfo(found.Name, release.Version, withConfig: false));
    }

    private static int ParseVersion(string version)
    {
        var digits = version.StartsWith('v') || version.StartsWith('V') ? version[1..] : version;
        return int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw Problems.Invalid($"'{version}' is not a release version: write it v3 or 3");
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Paas.Client;
using Paas.Data;
using Paas.Domain;

namespace Paas.Controller;

/// <summary>The <c>/v2/apps/{app}/config</c> routes.</summary>
internal static class ConfigApi
{
    public static IEndpointRouteBuilder MapConfigApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v2/apps/{app}/config").WithTags("Config").RequireAuthorization();
        group.MapGet("/", GetAsync).WithSummary("The app's config vars (those of its newest release that has not failed). Needs the deploy role: config vars often hold secrets.");
        group.MapPost("/", SetAsync).WithSummary("Sets and unsets config vars ({\"values\": {\"K\": \"v\", \"OLD\": null}}), making a new release; 409 when nothing changes.");
        return endpoints;
    }

    private static async Task<Ok<ConfigInfo>> GetAsync(string app, HttpContext context, AppAccess access, LedgerStore ledger, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.Deploy, cancellationToken).ConfigureAwait(false);
        var current = await ledger.CurrentAsync(found.Id, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(new ConfigInfo(found.Name, current?.Config ?? new Dictionary<string, string>(), current?.Version ?? 0, current?.CreatedAt ?? found.CreatedAt));
    }

    private static async Task<Created<ConfigInfo>> SetAsync(string app, ConfigUpdateRequest request, HttpContext context, AppAccess access, ReleaseService releases, CancellationToken cancellationToken)
    {
        var user = context.PaasUser();
        var found = await access.RequireAsync(app, user, AppRole.Deploy, cancellationToken).ConfigureAwait(false);
        var release = await releases.ChangeConfigAsync(found, user, request.Values, cancellationToken).ConfigureAwait(false);
        return TypedResults.Created($"/v2/apps/{found.Name}/releases/v{release.Version}", new ConfigInfo(found.Name, release.Config, release.Version, release.CreatedAt));
    }
}

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using Paas.Client;
using Paas.Data;
using Paas.Domain;

namespace Paas.Controller;

/// <summary>The <c>/v2/apps/{app}/domains</c> and <c>/v2/apps/{app}/settings</c> routes: custom domains, maintenance mode, HTTPS enforcement.</summary>
internal static class DomainsApi
{
    public static IEndpointRouteBuilder MapDomainsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v2/apps/{app}").WithTags("Domains").RequireAuthorization();
        group.MapGet("/domains", ListAsync).WithSummary("The app's custom domains.");
        group.MapPost("/domains", AddAsync).WithSummary("Routes a domain (exact or *.wildcard) to the app.");
        group.MapDelete("/domains/{domain}", RemoveAsync).WithSummary("Stops routing a domain to the app.");
        group.MapGet("/settings", GetSettingsAsync).WithSummary("The app's router settings (maintenance, https_enforced).");
        group.MapPost("/settings", SetSettingsAsync).WithSummary("Changes router settings; omitted ones stay as they are.");
        return endpoints;
    }

    private static async Task<Ok<PagedList<DomainInfo>>> ListAsync(string app, int? limit, int? offset, HttpContext context, AppAccess access, RoutingStore routing, CancellationToken cancellationToken)
    {
        var paging = Paging.From(limit, offset);
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.View, cancellationToken).ConfigureAwait(false);
        var (count, domains) = await routing.ListDomainsAsync(found.Id, paging.Limit, paging.Offset, cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok(paging.Page(context.Request, count, [.. domains.Select(d => new DomainInfo(d.Domain, d.App, d.Certificate, d.CreatedAt))]));
    }

    /// <summary>Adds a domain, when <see cref="DomainClaims"/> allows it (409 otherwise, naming no other app).</summary>
    private static async Task<Created<DomainInfo>> AddAsync(string app, DomainCreateRequest request, HttpContext context, AppAccess access, RoutingStore routing, DomainClaims claims, IOptions<PaasOptions> options, CancellationToken cancellationToken)
    {
        var user = context.PaasUser();
        var found = await access.RequireAsync(app, user, AppRole.Admin, cancellationToken).ConfigureAwait(false);
        var domain = DomainName.Normalize(request.Domain, options.Value.Domain);
        await claims.CheckAsync(found, user, domain, cancellationToken).ConfigureAwait(false);
        if (!await routing.AddDomainAsync(found.Id, domain, cancellationToken).ConfigureAwait(false))
        {
            var owner = await routing.FindDomainAsync(domain, cancellationToken).ConfigureAwait(false);
            throw Problems.Conflict(owner?.App == found.Name ? $"{domain} already routes to {app}" : $"{domain} already routes to another app");
        }

        return TypedResults.Created($"/v2/apps/{found.Name}/domains/{domain}", new DomainInfo(domain, found.Name, null, DateTimeOffset.UtcNow));
    }

    private static async Task<NoContent> RemoveAsync(string app, string domain, HttpContext context, AppAccess access, RoutingStore routing, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.Admin, cancellationToken).ConfigureAwait(false);
        if (!await routing.RemoveDomainAsync(found.Id, domain.Trim().TrimEnd('.').ToLowerInvariant(), cancellationToken).ConfigureAwait(false))
        {
            throw Problems.NotFound($"{domain} is not a domain of {app}: run 'paas domains -a {app}' to list them");
        }

        return TypedResults.NoContent();
    }

    private static async Task<Ok<AppSettingsInfo>> GetSettingsAsync(string app, HttpContext context, AppAccess access, RoutingStore routing, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.View, cancellationToken).ConfigureAwait(false);
        var settings = (await routing.ListSettingsAsync(cancellationToken).ConfigureAwait(false)).GetValueOrDefault(found.Name) ?? new AppSettings(false, false);
        return TypedResults.Ok(new AppSettingsInfo(settings.Maintenance, settings.HttpsEnforced, settings.Grpc));
    }

    private static async Task<Ok<AppSettingsInfo>> SetSettingsAsync(string app, AppSettingsInfo request, HttpContext context, AppAccess access, RoutingStore routing, CancellationToken cancellationToken)
    {
        var found = await access.RequireAsync(app, context.PaasUser(), AppRole.Deploy, cancellationToken).ConfigureAwait(false);
        if (request.Maintenance is null && request.HttpsEnforced is null && request.Grpc is null)
        {
            throw Problems.Invalid("no setting given: send {\"maintenance\": true}, {\"https_enforced\": true} or {\"grpc\": true}");
        }

        await routing.SetSettingsAsync(found.Id, request.Maintenance, request.HttpsEnforced, request.Grpc, cancellationToken).ConfigureAwait(false);
        return await GetSettingsAsync(app, context, access, routing, cancellationToken).ConfigureAwait(false);
    }
}

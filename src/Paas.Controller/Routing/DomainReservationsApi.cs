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
/// Platform admins' routes over custom domains: <c>/v2/domain-reservations</c> (zones reserved for teams, see
/// <see cref="DomainClaims"/>) and <c>/v2/domain-conflicts</c> (stored domains that break the rules).
/// </summary>
internal static class DomainReservationsApi
{
    public static IEndpointRouteBuilder MapDomainReservationsApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/v2").WithTags("Domains").RequireAuthorization();
        group.MapGet("/domain-reservations", ListAsync).WithSummary("Zones reserved for teams (platform admins).");
        group.MapPost("/domain-reservations", AddAsync).WithSummary("Reserves a zone for a team: only apps shared with it may route domains in it (platform admins).");
        group.MapDelete("/domain-reservations/{zone}", RemoveAsync).WithSummary("Removes a reservation (platform admins).");
        group.MapGet("/domain-conflicts", ConflictsAsync).WithSummary("Stored domains that break the domain rules, kept from before them (platform admins).");
        return endpoints;
    }

    private static async Task<Ok<IReadOnlyList<DomainReservationInfo>>> ListAsync(HttpContext context, RoutingStore routing, CancellationToken cancellationToken)
    {
        UsersApi.RequireAdmin(context);
        var reservations = await routing.ListReservationsAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok<IReadOnlyList<DomainReservationInfo>>([.. reservations.Select(Info)]);
    }

    private static async Task<Created<DomainReservationInfo>> AddAsync(DomainReservationRequest request, HttpContext context, RoutingStore routing, TeamStore teams, IOptions<PaasOptions> options, CancellationToken cancellationToken)
    {
        UsersApi.RequireAdmin(context);
        var zone = DomainName.Normalize(request.Zone, options.Value.Domain);
        if (zone.StartsWith("*.", StringComparison.Ordinal))
        {
            throw Problems.Invalid($"reserve the zone itself ({zone[2..]}): a reservation covers the name and every name under it");
        }

        if (!zone.Contains('.', StringComparison.Ordinal))
        {
            throw Problems.Invalid($"{zone} is a top-level domain: reserve a zone of at least two labels (example.com)");
        }

        var team = await teams.FindAsync(request.Team?.Trim().ToLowerInvariant() ?? "", cancellationToken).ConfigureAwait(false)
            ?? throw Problems.NotFound($"there is no team '{request.Team}': run 'paas teams' to list them");
        var admin = context.PaasUser().Username;
        if (!await routing.AddReservationAsync(zone, team.Id, admin, cancellationToken).ConfigureAwait(false))
        {
            throw Problems.Conflict($"{zone} is reserved already: 'paas domains:unreserve {zone}' first to give it to another team");
        }

        return TypedResults.Created($"/v2/domain-reservations/{zone}", new DomainReservationInfo(zone, team.Name, admin, DateTimeOffset.UtcNow));
    }

    private static async Task<NoContent> RemoveAsync(string zone, HttpContext context, RoutingStore routing, CancellationToken cancellationToken)
    {
        UsersApi.RequireAdmin(context);
        if (!await routing.RemoveReservationAsync(zone.Trim().TrimEnd('.').ToLowerInvariant(), cancellationToken).ConfigureAwait(false))
        {
            throw Problems.NotFound($"{zone} is not reserved: run 'paas domains:reservations' to list the reservations");
        }

        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<DomainConflictInfo>>> ConflictsAsync(HttpContext context, DomainClaims claims, CancellationToken cancellationToken)
    {
        UsersApi.RequireAdmin(context);
        var conflicts = await claims.ConflictsAsync(cancellationToken).ConfigureAwait(false);
        return TypedResults.Ok<IReadOnlyList<DomainConflictInfo>>([.. conflicts.Select(c => new DomainConflictInfo(c.Domain, c.App, c.Reason, c.Zone))]);
    }

    private static DomainReservationInfo Info(StoredDomainReservation r) => new(r.Zone, r.Team, r.ReservedBy, r.CreatedAt);
}

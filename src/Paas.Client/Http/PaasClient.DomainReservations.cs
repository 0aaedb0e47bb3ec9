namespace Paas.Client;

/// <summary>Platform admins' routes over custom domains: reservations for teams and conflicts.</summary>
public sealed partial class PaasClient
{
    /// <summary><c>GET /v2/domain-reservations</c>: the zones reserved for teams (platform admins).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reservations, by zone.</returns>
    /// <exception cref="PaasApiException">The API answered an error (403 for others than admins).</exception>
    public Task<IReadOnlyList<DomainReservationInfo>> ListDomainReservationsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<DomainReservationInfo>>(HttpMethod.Get, "/v2/domain-reservations", null, cancellationToken);

    /// <summary><c>POST /v2/domain-reservations</c>: reserves a zone for a team (201; 409 when reserved already).</summary>
    /// <param name="zone">The zone, e.g. <c>example.com</c>.</param>
    /// <param name="team">The team's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The reservation.</returns>
    /// <exception cref="PaasApiException">The API answered an error.</exception>
    public Task<DomainReservationInfo> ReserveDomainAsync(string zone, string team, CancellationToken cancellationToken = default) =>
        SendAsync<DomainReservationInfo>(HttpMethod.Post, "/v2/domain-reservations", new DomainReservationRequest(zone, team), cancellationToken);

    /// <summary><c>DELETE /v2/domain-reservations/{zone}</c> (204; 404 when not reserved).</summary>
    /// <param name="zone">The zone.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    /// <exception cref="PaasApiException">The API answered an error.</exception>
    public Task UnreserveDomainAsync(string zone, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, "/v2/domain-reservations/" + Uri.EscapeDataString(zone), null, cancellationToken);

    /// <summary><c>GET /v2/domain-conflicts</c>: stored domains that break the domain rules (platform admins).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The conflicts, by domain.</returns>
    /// <exception cref="PaasApiException">The API answered an error.</exception>
    public Task<IReadOnlyList<DomainConflictInfo>> ListDomainConflictsAsync(CancellationToken cancellationToken = default) =>
        SendAsync<IReadOnlyList<DomainConflictInfo>>(HttpMethod.Get, "/v2/domain-conflicts", null, cancellationToken);
}

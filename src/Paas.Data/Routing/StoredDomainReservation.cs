namespace Paas.Data;

/// <summary>A zone a platform admin reserved for a team: only apps shared with the team may route a domain in it.</summary>
/// <param name="Zone">The zone (<c>example.com</c>: the name and every name under it).</param>
/// <param name="Team">The team's name.</param>
/// <param name="TeamId">The team's id.</param>
/// <param name="ReservedBy">The admin who reserved it.</param>
/// <param name="CreatedAt">When.</param>
public sealed record StoredDomainReservation(string Zone, string Team, string TeamId, string ReservedBy, DateTimeOffset CreatedAt);

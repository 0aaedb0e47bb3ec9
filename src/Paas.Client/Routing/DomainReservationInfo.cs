namespace Paas.Client;

/// <summary>A zone reserved for a team, as <c>/v2/domain-reservations</c> answers (platform admins only).</summary>
/// <param name="Zone">The zone: the name and every name under it (<c>example.com</c>).</param>
/// <param name="Team">The team whose apps alone may route domains in it.</param>
/// <param name="ReservedBy">The admin who reserved it.</param>
/// <param name="CreatedAt">When.</param>
public sealed record DomainReservationInfo(string Zone, string Team, string ReservedBy, DateTimeOffset CreatedAt);

/// <summary>Body of <c>POST /v2/domain-reservations</c>.</summary>
/// <param name="Zone">The zone to reserve (a host name, no wildcard, not under the platform domain).</param>
/// <param name="Team">The team's name.</param>
public sealed record DomainReservationRequest(string Zone, string Team);

/// <summary>A stored domain that breaks the domain rules (from before them), as <c>/v2/domain-conflicts</c> answers.</summary>
/// <param name="Domain">The domain.</param>
/// <param name="App">The app it routes to.</param>
/// <param name="Reason">The rule it breaks and the other party.</param>
/// <param name="Zone">For a domain in a reserved zone on an app not shared with the zone's team: the zone; else null.</param>
public sealed record DomainConflictInfo(string Domain, string App, string Reason, string? Zone);

using Paas.Data;
using Paas.Domain;

namespace Paas.Controller;

/// <summary>
/// Who may route which custom domain (issue "Tenant isolation", item 2), one rule for adding a domain and for reporting
/// the stored domains that break it:
/// <list type="number">
/// <item>a domain that overlaps (<see cref="DomainName.Overlaps"/>) a domain of another app is refused unless the caller
/// administers that app too;</item>
/// <item>a domain that reaches into a zone a platform admin reserved for a team (<see cref="DomainName.ReachesInto"/>)
/// is refused unless the app is shared with that team (platform admins may always add it).</item>
/// </list>
/// Refusals name no other app and no team.
/// </summary>
internal sealed class DomainClaims(RoutingStore routing, AppAccess access, PermissionStore permissions)
{
    /// <summary>Throws when <paramref name="user"/> may not route <paramref name="domain"/> to <paramref name="app"/>.</summary>
    /// <param name="app">The app the domain would route to (the caller administers it).</param>
    /// <param name="user">The caller.</param>
    /// <param name="domain">A normalized domain.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>A task.</returns>
    /// <exception cref="DomainException">409 naming the rule broken.</exception>
    public async Task CheckAsync(App app, User user, string domain, CancellationToken cancellationToken)
    {
        foreach (var other in await routing.ListDomainsAsync(null, cancellationToken).ConfigureAwait(false))
        {
            if (other.App != app.Name && other.Domain != domain && DomainName.Overlaps(domain, other.Domain)
                && !(await access.FindAsync(other.App, cancellationToken).ConfigureAwait(false) is { } otherApp
                    && await access.RoleOfAsync(otherApp, user, cancellationToken).ConfigureAwait(false) >= AppRole.Admin))
            {
                throw Problems.Conflict($"{domain} overlaps a domain another app routes, which you do not administer; ask a platform admin if it should be yours");
            }
        }

        if (user.IsAdmin)
        {
            return;
        }

        var teams = (await permissions.ListTeamsAsync(app.Id, cancellationToken).ConfigureAwait(false)).Select(t => t.Team).ToHashSet(StringComparer.Ordinal);
        foreach (var reservation in await routing.ListReservationsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (DomainName.ReachesInto(domain, reservation.Zone) && !teams.Contains(reservation.Team))
            {
                throw Problems.Conflict($"{domain} is in a zone a platform admin reserved for a team {app.Name} is not shared with; share the app with that team or ask a platform admin");
            }
        }
    }

    /// <summary>
    /// The stored domains that break a rule (kept from before the rule, or from before a reservation): each pair of
    /// different apps' overlapping domains, and each domain in a reserved zone on an app not shared with its team.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The conflicts, by domain.</returns>
    public async Task<IReadOnlyList<DomainConflict>> ConflictsAsync(CancellationToken cancellationToken)
    {
        var domains = await routing.ListDomainsAsync(null, cancellationToken).ConfigureAwait(false);
        var conflicts = new List<DomainConflict>();

        // Stored domains are unique, so two overlap only as a wildcard and a name one level under it: each wildcard is
        // compared with the domains of the same name above their first label, no more (this runs at every start).
        foreach (var group in domains.GroupBy(d => d.Domain[(d.Domain.IndexOf('.', StringComparison.Ordinal) + 1)..], StringComparer.Ordinal))
        {
            foreach (var wildcard in group.Where(d => d.Domain.StartsWith("*.", StringComparison.Ordinal)))
            {
                foreach (var other in group.Where(d => d.App != wildcard.App && DomainName.Overlaps(wildcard.Domain, d.Domain)))
                {
                    conflicts.Add(new DomainConflict(wildcard.Domain, wildcard.App, $"overlaps {other.Domain} of {other.App}", null));
                }
            }
        }

        var reservations = await routing.ListReservationsAsync(cancellationToken).ConfigureAwait(false);
        foreach (var domain in domains)
        {
            foreach (var reservation in reservations.Where(r => DomainName.ReachesInto(domain.Domain, r.Zone)))
            {
                var app = await access.FindAsync(domain.App, cancellationToken).ConfigureAwait(false);
                var teams = app is null ? [] : await permissions.ListTeamsAsync(app.Id, cancellationToken).ConfigureAwait(false);
                if (!teams.Any(t => t.Team == reservation.Team))
                {
                    conflicts.Add(new DomainConflict(domain.Domain, domain.App, $"in zone {reservation.Zone}, reserved for team {reservation.Team}, which {domain.App} is not shared with", reservation.Zone));
                }
            }
        }

        return [.. conflicts.OrderBy(c => c.Domain, StringComparer.Ordinal)];
    }
}

/// <summary>A stored domain that breaks a rule of <see cref="DomainClaims"/>.</summary>
/// <param name="Domain">The domain.</param>
/// <param name="App">The app it routes to.</param>
/// <param name="Reason">Which rule, with the other party.</param>
/// <param name="Zone">The reserved zone the domain is in, for a reservation conflict; else null.</param>
internal sealed record DomainConflict(string Domain, string App, string Reason, string? Zone);

using System.Text.RegularExpressions;

namespace Paas.Domain;

/// <summary>
/// The rule for custom domains: a host name of DNS labels (RFC 1123 section 2.1), at most 253 characters, lower-cased,
/// optionally a one-level wildcard with at least two labels under the star (<c>*.example.com</c>, never <c>*.com</c>); IP
/// addresses and names under the platform domain are refused, since <c>APP.PAAS_DOMAIN</c> already routes to each app.
/// </summary>
public static partial class DomainName
{
    /// <summary>Normalizes and checks a domain.</summary>
    /// <param name="domain">The candidate, any case, with or without a trailing dot.</param>
    /// <param name="platformDomain">The platform domain (<c>PAAS_DOMAIN</c>).</param>
    /// <returns>The normalized domain (lower case, no trailing dot).</returns>
    /// <exception cref="DomainException"><see cref="DomainErrorKind.Invalid"/> with the reason.</exception>
    public static string Normalize(string? domain, string platformDomain)
    {
        var d = (domain ?? "").Trim().TrimEnd('.').ToLowerInvariant();
        if (d.Length is 0 or > 253 || !Pattern().IsMatch(d))
        {
            throw new DomainException(DomainErrorKind.Invalid, $"'{domain}' is not a domain: use a host name such as www.example.com or *.example.com");
        }

        if (System.Net.IPAddress.TryParse(d, out _))
        {
            throw new DomainException(DomainErrorKind.Invalid, $"{d} is an IP address: custom domains are host names (requests by address reach no app)");
        }

        var platform = platformDomain.ToLowerInvariant();
        if (d == platform || d.EndsWith("." + platform, StringComparison.Ordinal))
        {
            throw new DomainException(DomainErrorKind.Invalid, $"{d} is under the platform domain {platform}, whose names route to apps by themselves");
        }

        if (d.StartsWith("*.", StringComparison.Ordinal) && !d[2..].Contains('.', StringComparison.Ordinal))
        {
            throw new DomainException(DomainErrorKind.Invalid, $"{d} would take every name of a top-level domain: a wildcard needs at least two labels under the star (*.example.com)");
        }

        return d;
    }

    /// <summary>
    /// Whether two normalized domains can receive the same request: they are equal, or one is the wildcard one level above
    /// the other (<c>*.example.com</c> and <c>www.example.com</c>; the router matches a wildcard one level deep, and an
    /// exact name wins over it, so either claim takes traffic from the other).
    /// </summary>
    /// <param name="a">A normalized domain.</param>
    /// <param name="b">Another.</param>
    /// <returns>Whether they overlap.</returns>
    public static bool Overlaps(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return a == b || Covers(a, b) || Covers(b, a);

        static bool Covers(string wildcard, string name) =>
            wildcard.StartsWith("*.", StringComparison.Ordinal) && !name.StartsWith("*.", StringComparison.Ordinal)
            && name.IndexOf('.', StringComparison.Ordinal) is var dot and > 0 && name[(dot + 1)..] == wildcard[2..];
    }

    /// <summary>
    /// Whether a claim of <paramref name="domain"/> takes requests for a name in <paramref name="zone"/> (a reserved zone:
    /// the name itself and every name under it): it is the zone, or under it (<c>*.shop.example.com</c> is under
    /// <c>example.com</c>), or a wildcard one level above the zone's name (<c>*.example.com</c> takes <c>shop.example.com</c>).
    /// </summary>
    /// <param name="domain">A normalized domain.</param>
    /// <param name="zone">A normalized zone (no wildcard).</param>
    /// <returns>Whether the domain reaches into the zone.</returns>
    public static bool ReachesInto(string domain, string zone)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentNullException.ThrowIfNull(zone);
        return domain == zone || domain.EndsWith("." + zone, StringComparison.Ordinal) || Overlaps(domain, zone);
    }

    [GeneratedRegex(@"^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

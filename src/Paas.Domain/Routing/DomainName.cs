using System.Text.RegularExpressions;

namespace Paas.Domain;

/// <summary>
/// The rule for custom domains: a host name of DNS labels (RFC 1123 section 2.1), at most 253 characters, lower-cased,
/// optionally a one-level wildcard (<c>*.example.com</c>); names under the platform domain are refused, since
/// <c>APP.PAAS_DOMAIN</c> already routes to each app.
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

        var platform = platformDomain.ToLowerInvariant();
        if (d == platform || d.EndsWith("." + platform, StringComparison.Ordinal))
        {
            throw new DomainException(DomainErrorKind.Invalid, $"{d} is under the platform domain {platform}, whose names route to apps by themselves");
        }

        return d;
    }

    [GeneratedRegex(@"^(?:\*\.)?(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

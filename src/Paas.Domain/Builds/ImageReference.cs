using System.Text.RegularExpressions;

namespace Paas.Domain;

/// <summary>
/// The rule for image references a build may name: <c>[host[:port]/]path[:tag][@algorithm:hex]</c>,
/// following the grammar of the distribution project's reference package (repository path components
/// of lower-case alphanumerics and separators; tags of at most 128 word characters, '.' and '-').
/// </summary>
public static partial class ImageReference
{
    /// <summary>The longest reference accepted, in characters.</summary>
    public const int MaxLength = 512;

    /// <summary>Checks <paramref name="reference"/>.</summary>
    /// <param name="reference">The candidate reference.</param>
    /// <returns>Null when valid, otherwise why not.</returns>
    public static string? Validate(string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            return "an image reference is required, e.g. registry.example.com/team/app:1.2 or app@sha256:<64 hex>";
        }

        if (reference.Length > MaxLength || !Pattern().IsMatch(reference))
        {
            return $"'{reference}' is not a valid image reference: use [registry/]repository[:tag][@sha256:<64 hex>] with a lower-case repository";
        }

        return null;
    }

    /// <summary>
    /// Splits <paramref name="reference"/> into its registry host, repository and tag or digest. The first path component is
    /// the host when it contains <c>.</c> or <c>:</c> or is <c>localhost</c> (the distribution reference package's rule);
    /// otherwise there is no host. A reference without tag or digest means the tag <c>latest</c>.
    /// </summary>
    /// <param name="reference">The reference (<c>127.0.0.1:5000/hello@sha256:...</c>, <c>registry.example.com/team/app:1</c>).</param>
    /// <param name="host">The registry host (<c>127.0.0.1:5000</c>), or null.</param>
    /// <param name="repository">The repository (<c>hello</c>, <c>team/app</c>).</param>
    /// <param name="tagOrDigest">The tag or the digest (<c>sha256:...</c>).</param>
    /// <returns>False when the reference has no repository.</returns>
    public static bool TrySplit(string reference, out string? host, out string repository, out string tagOrDigest)
    {
        host = null;
        var rest = reference;
        var slash = reference.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0 && reference[..slash] is var first && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost"))
        {
            host = first;
            rest = reference[(slash + 1)..];
        }

        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            (repository, tagOrDigest) = (rest[..at], rest[(at + 1)..]);
        }
        else
        {
            var colon = rest.LastIndexOf(':');
            (repository, tagOrDigest) = colon > 0 && !rest[colon..].Contains('/', StringComparison.Ordinal) ? (rest[..colon], rest[(colon + 1)..]) : (rest, "latest");
        }

        return repository.Length > 0 && tagOrDigest.Length > 0;
    }

    /// <summary>
    /// Checks a registry host as an image reference's first component names it: <c>host[:port]</c>, the host made of
    /// DNS labels (or <c>localhost</c>, or an IPv4 address), the port 1-65535 (the reference package's domain rule).
    /// </summary>
    /// <param name="registry">The candidate, e.g. <c>registry.example.com</c> or <c>127.0.0.1:5001</c>.</param>
    /// <returns>Null when valid, otherwise why not.</returns>
    public static string? ValidateRegistry(string? registry)
    {
        if (string.IsNullOrWhiteSpace(registry))
        {
            return "a registry host is required, e.g. registry.example.com or registry.example.com:5000";
        }

        var colon = registry.LastIndexOf(':');
        var valid = registry.Length <= 253 + 6 && RegistryPattern().IsMatch(registry)
            && (colon < 0 || int.TryParse(registry[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535)
            && (registry.Contains('.', StringComparison.Ordinal) || colon >= 0 || registry.StartsWith("localhost", StringComparison.OrdinalIgnoreCase));
        return valid ? null : $"'{registry}' is not a registry host: use host[:port] as the image reference names it, e.g. registry.example.com or 10.0.0.5:5000 (no scheme, no path)";
    }

    [GeneratedRegex(@"^[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?$", RegexOptions.CultureInvariant)]
    private static partial Regex RegistryPattern();

    [GeneratedRegex(
        @"^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha(?:256:[a-f0-9]{64}|512:[a-f0-9]{128}))?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

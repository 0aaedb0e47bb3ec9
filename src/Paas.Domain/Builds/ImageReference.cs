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

    [GeneratedRegex(
        @"^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha(?:256:[a-f0-9]{64}|512:[a-f0-9]{128}))?$",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

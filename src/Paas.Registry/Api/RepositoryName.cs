using System.Text.RegularExpressions;

namespace Paas.Registry.Api;

/// <summary>
/// The repository name and tag grammars of the OCI distribution spec ("Pulling manifests"):
/// name <c>[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*</c>, at most 255
/// characters; tag <c>[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}</c>. Neither admits <c>..</c>, a leading
/// <c>/</c> or <c>_</c>, so a valid name or tag is safe as a relative path.
/// </summary>
internal static partial class RepositoryName
{
    public const int MaxLength = 255;

    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= MaxLength } && NameRegex().IsMatch(name);

    public static bool IsValidTag(string? tag) => tag is not null && TagRegex().IsMatch(tag);

    /// <summary>The app a repository belongs to: its first path component.</summary>
    public static string App(string name)
    {
        var slash = name.IndexOf('/', StringComparison.Ordinal);
        return slash < 0 ? name : name[..slash];
    }

    [GeneratedRegex(@"^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$", RegexOptions.CultureInvariant)]
    private static partial Regex NameRegex();

    [GeneratedRegex(@"^[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex TagRegex();
}

using System.Text.RegularExpressions;

namespace Paas.Domain;

/// <summary>
/// The rule for team names: 1-64 characters of lower-case letters, digits, spaces, '.', '_' and '-', starting with a
/// letter or digit. Directory group names (<c>cn</c>) are folded to lower case and kept when they fit, so
/// <c>Domain Users</c> becomes the team <c>domain users</c>; groups whose names do not fit are not teams.
/// </summary>
public static partial class TeamName
{
    /// <summary>The longest team name, in characters.</summary>
    public const int MaxLength = 64;

    /// <summary>Folds a name to the form teams are stored in: trimmed, lower case (invariant culture).</summary>
    /// <param name="name">A name as typed or as the directory holds it.</param>
    /// <returns>The normalised name.</returns>
    public static string Normalize(string? name) => (name ?? "").Trim().ToLowerInvariant();

    /// <summary>Checks a normalised name against the rule.</summary>
    /// <param name="name">The candidate, after <see cref="Normalize"/>.</param>
    /// <returns>Null when valid, otherwise why not.</returns>
    public static string? Validate(string? name) =>
        string.IsNullOrEmpty(name) || name.Length > MaxLength || !Pattern().IsMatch(name)
            ? $"'{name}' is not a valid team name: use 1-{MaxLength} lower-case letters, digits, spaces, '.', '_' or '-', starting with a letter or digit"
            : null;

    [GeneratedRegex("^[a-z0-9][a-z0-9 ._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

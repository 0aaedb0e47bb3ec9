using System.Text.RegularExpressions;

namespace Paas.Domain;

/// <summary>
/// The rule for usernames: 1-64 characters of lower-case letters, digits, '.', '_' and '-', starting with a
/// letter or digit. Directory (LDAP) logins are folded to lower case before this check.
/// </summary>
public static partial class Username
{
    /// <summary>The longest username, in characters.</summary>
    public const int MaxLength = 64;

    /// <summary>The shortest password accepted, in characters (NIST SP 800-63B section 5.1.1.2).</summary>
    public const int MinPasswordLength = 8;

    /// <summary>Checks <paramref name="username"/> against the rule.</summary>
    /// <param name="username">The candidate.</param>
    /// <returns>Null when valid, otherwise why not.</returns>
    public static string? Validate(string? username)
    {
        if (string.IsNullOrEmpty(username))
        {
            return "a username cannot be empty";
        }

        if (username.Length > MaxLength || !Pattern().IsMatch(username))
        {
            return $"'{username}' is not a valid username: use 1-{MaxLength} lower-case letters, digits, '.', '_' or '-', starting with a letter or digit";
        }

        return null;
    }

    /// <summary>Checks a new password.</summary>
    /// <param name="password">The candidate.</param>
    /// <returns>Null when acceptable, otherwise why not.</returns>
    public static string? ValidatePassword(string? password) =>
        password is null || password.Length < MinPasswordLength
            ? $"a password needs at least {MinPasswordLength} characters"
            : null;

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

using System.Text.RegularExpressions;

namespace Paas.Domain;

/// <summary>
/// The rule for app names: a DNS label (RFC 1123 section 2.1) in lower case, at most
/// <see cref="MaxLength"/> characters, so that <c>APP.PAAS_DOMAIN</c> is a valid host name and the name is
/// also a valid OCI repository name; a few names the platform uses itself are reserved.
/// </summary>
public static partial class AppName
{
    /// <summary>The longest app name, in characters (as on Deis Workflow and Heroku).</summary>
    public const int MaxLength = 30;

    private static readonly HashSet<string> ReservedNames = new(StringComparer.Ordinal)
    {
        "api", "admin", "auth", "builder", "controller", "dashboard", "default", "git", "healthz",
        "kube-system", "localhost", "paas", "registry", "router", "status", "system", "v2", "www",
    };

    /// <summary>The reserved names, which no app may take.</summary>
    public static IReadOnlyCollection<string> Reserved => ReservedNames;

    /// <summary>Checks <paramref name="name"/> against the rule.</summary>
    /// <param name="name">The candidate name.</param>
    /// <returns>Null when valid, otherwise why not, in one sentence.</returns>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "an app name cannot be empty";
        }

        if (name.Length > MaxLength)
        {
            return $"'{Shorten(name)}' is {name.Length} characters long; app names have at most {MaxLength}";
        }

        if (!LabelPattern().IsMatch(name))
        {
            return $"'{name}' is not a valid app name: use lower-case letters, digits and dashes, starting with a letter and not ending with a dash";
        }

        if (ReservedNames.Contains(name))
        {
            return $"'{name}' is reserved by the platform; choose another name";
        }

        return null;
    }

    /// <summary>Throws when <paramref name="name"/> is not a valid app name.</summary>
    /// <param name="name">The candidate name.</param>
    /// <exception cref="DomainException">With <see cref="DomainErrorKind.Invalid"/> and the reason.</exception>
    public static void EnsureValid(string? name)
    {
        if (Validate(name) is { } error)
        {
            throw new DomainException(DomainErrorKind.Invalid, error);
        }
    }

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..37] + "...";

    [GeneratedRegex("^[a-z](?:[a-z0-9-]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelPattern();
}

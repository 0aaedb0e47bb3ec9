using System.Text.RegularExpressions;

namespace Paas.Domain;

/// <summary>
/// The rule for config var names: POSIX environment variable names (IEEE Std 1003.1-2017, section 8.1:
/// letters, digits and '_', not starting with a digit), at most 256 characters. Names the runtime sets
/// itself for every process (<c>PORT</c>, <c>DYNO</c>, <c>PS</c>, <c>PAAS_*</c>) are refused, as Heroku
/// refuses to let an app override them (<see cref="IsReserved"/>). The release metadata the platform also sets
/// (<c>SOURCE_VERSION</c>, Heroku's dyno metadata <c>HEROKU_*</c>, Deis Workflow's <c>WORKFLOW_RELEASE*</c>) are not
/// reserved: a config var of one of those names replaces the platform's value, as in Deis Workflow (Paas.Scheduling's
/// <c>DynoEnvironment</c> applies both rules).
/// </summary>
public static partial class ConfigVarName
{
    /// <summary>The longest name, in characters.</summary>
    public const int MaxLength = 256;

    private static readonly HashSet<string> RuntimeNames = new(StringComparer.Ordinal) { "PORT", "DYNO", "PS" };

    /// <summary>Checks <paramref name="name"/>.</summary>
    /// <param name="name">The candidate name.</param>
    /// <returns>Null when valid, otherwise why not.</returns>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "a config var name cannot be empty";
        }

        if (name.Length > MaxLength || !Pattern().IsMatch(name))
        {
            return $"'{Shorten(name)}' is not a valid config var name: use letters, digits and '_', not starting with a digit (POSIX environment names)";
        }

        if (IsReserved(name))
        {
            return $"'{name}' is set by the platform for every process and cannot be changed";
        }

        return null;
    }

    /// <summary>
    /// Whether the runtime sets <paramref name="name"/> for every process and no config var may:
    /// <c>PORT</c>, <c>DYNO</c>, <c>PS</c> and every <c>PAAS_*</c> name (case-sensitive, as environment names are).
    /// </summary>
    /// <param name="name">A variable name.</param>
    /// <returns>True for a name the platform owns.</returns>
    public static bool IsReserved(string name) => RuntimeNames.Contains(name) || name.StartsWith("PAAS_", StringComparison.Ordinal);

    private static string Shorten(string s) => s.Length <= 40 ? s : s[..37] + "...";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}

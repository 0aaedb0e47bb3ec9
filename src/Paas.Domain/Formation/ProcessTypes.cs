using System.Text.RegularExpressions;

namespace Paas.Domain;

/// <summary>
/// The rules for process types: names of letters, digits, '_' and '-' (the Procfile format of the Heroku
/// buildpack API, lower-cased here so a type is also a valid DNS label part), at most 63 characters;
/// non-empty single-line commands.
/// </summary>
public static partial class ProcessTypes
{
    /// <summary>The process type that receives HTTP traffic from the router.</summary>
    public const string Web = "web";

    /// <summary>
    /// The type of one-off processes (<c>paas run</c>), named <c>run.N</c> as Heroku names one-off dynos: no Procfile may
    /// declare it (<see cref="ValidateDeclared"/>), and <c>paas limits:set run=1G</c> sizes them.
    /// </summary>
    public const string OneOff = "run";

    /// <summary>The most process types one build may declare.</summary>
    public const int MaxTypes = 32;

    /// <summary>Checks a process type name.</summary>
    /// <param name="name">The candidate name.</param>
    /// <returns>Null when valid, otherwise why not.</returns>
    public static string? ValidateName(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= 63 && NamePattern().IsMatch(name)
            ? null
            : $"'{name}' is not a valid process type: use lower-case letters, digits, '_' and '-', starting with a letter (at most 63 characters)";

    /// <summary>Checks a process type a build declares (a Procfile line, <c>paas pull --procfile</c>): a valid name other than <see cref="OneOff"/>.</summary>
    /// <param name="name">The candidate name.</param>
    /// <returns>Null when valid, otherwise why not.</returns>
    public static string? ValidateDeclared(string? name) =>
        name == OneOff
            ? $"'{OneOff}' is the type of one-off processes (paas run, named {OneOff}.N): give the process type another name"
            : ValidateName(name);

    /// <summary>Whether limits (<c>paas limits:set</c>) may name <paramref name="type"/>: a type of the build, or <see cref="OneOff"/>.</summary>
    /// <param name="buildTypes">The build's process types (type to command).</param>
    /// <param name="type">The type a limit names.</param>
    /// <returns>Whether it may.</returns>
    public static bool IsSizable(IReadOnlyDictionary<string, string> buildTypes, string type) =>
        buildTypes.ContainsKey(type) || type == OneOff;

    /// <summary>Checks a whole map of process types to commands.</summary>
    /// <param name="types">Process type to command.</param>
    /// <exception cref="DomainException"><see cref="DomainErrorKind.Invalid"/> listing every problem found.</exception>
    public static void EnsureValid(IReadOnlyDictionary<string, string> types)
    {
        var errors = new List<string>();
        if (types.Count > MaxTypes)
        {
            errors.Add($"{types.Count} process types given; a build may declare at most {MaxTypes}");
        }

        foreach (var (name, command) in types)
        {
            if (ValidateDeclared(name) is { } error)
            {
                errors.Add(error);
            }

            if (string.IsNullOrWhiteSpace(command) || command.Contains('\n', StringComparison.Ordinal) || command.Contains('\0', StringComparison.Ordinal))
            {
                errors.Add($"the command of process type '{name}' must be one non-empty line");
            }
        }

        if (errors.Count > 0)
        {
            throw new DomainException(DomainErrorKind.Invalid, string.Join("; ", errors));
        }
    }

    [GeneratedRegex("^[a-z][a-z0-9_-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}

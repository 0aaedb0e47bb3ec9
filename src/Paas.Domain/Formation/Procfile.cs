using System.Text.RegularExpressions;

namespace Paas.Domain;

/// <summary>
/// The <c>Procfile</c> format (Heroku buildpack API): one <c>type: command</c> per line; blank lines and <c>#</c> comments
/// are skipped. The type must be a valid process type a build may declare (<see cref="ProcessTypes.ValidateDeclared"/>), so a Procfile the
/// platform would refuse is refused at the line that breaks the rule, before anything is built. The builder reads
/// Procfiles with it and the CLI reads <c>paas pull --procfile 'web: cmd'</c> lines with it.
/// </summary>
public static partial class Procfile
{
    /// <summary>Parses a whole Procfile.</summary>
    /// <param name="text">The file's text.</param>
    /// <returns>The process types by name, or the error naming the line (<c>Procfile line 2 ...</c>).</returns>
    public static (IReadOnlyDictionary<string, string>? Types, string? Error) Parse(string text)
    {
        var types = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            if (ParseLine(line, out var name, out var command) is { } error)
            {
                return (null, $"Procfile line {number} {error}");
            }

            if (!types.TryAdd(name, command))
            {
                return (null, $"Procfile line {number} declares '{name}' a second time");
            }
        }

        return (types, null);
    }

    /// <summary>Parses one <c>type: command</c> line.</summary>
    /// <param name="line">The line.</param>
    /// <param name="name">The process type.</param>
    /// <param name="command">The command, trimmed.</param>
    /// <returns>Null when valid, otherwise what is wrong, as the end of a sentence about the line (<c>is not 'type: command': ...</c>).</returns>
    public static string? ParseLine(string line, out string name, out string command)
    {
        ArgumentNullException.ThrowIfNull(line);
        var match = LineRegex().Match(line.Trim());
        name = match.Success ? match.Groups[1].Value : "";
        command = match.Success ? match.Groups[2].Value.Trim() : "";
        if (!match.Success)
        {
            return $"is not 'type: command': {Shorten(line.Trim())}";
        }

        return ProcessTypes.ValidateDeclared(name) is { } invalid ? $"declares an invalid process type: {invalid}" : null;
    }

    private static string Shorten(string line) => line.Length > 80 ? line[..80] + "..." : line;

    [GeneratedRegex(@"^([^\s:]+)[ \t]*:[ \t]*(\S.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex LineRegex();
}

using System.Text.RegularExpressions;

namespace Paas.Builder;

/// <summary>
/// The <c>Procfile</c>: one <c>type: command</c> per line (Heroku: type names are letters, digits, <c>_</c> and <c>-</c>);
/// blank lines and <c>#</c> comments are skipped; any other line is an error naming it.
/// </summary>
internal static partial class Procfile
{
    /// <summary>Parses <paramref name="text"/>.</summary>
    /// <returns>The process types, or the error (with its line number).</returns>
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

            var match = LineRegex().Match(line);
            if (!match.Success)
            {
                return (null, $"Procfile line {number} is not 'type: command': {Shorten(line)}");
            }

            var name = match.Groups[1].Value;
            if (!types.TryAdd(name, match.Groups[2].Value.Trim()))
            {
                return (null, $"Procfile line {number} declares '{name}' a second time");
            }
        }

        return (types, null);
    }

    private static string Shorten(string line) => line.Length > 80 ? line[..80] + "..." : line;

    [GeneratedRegex(@"^([A-Za-z0-9_-]+)[ \t]*:[ \t]*(\S.*)$")]
    private static partial Regex LineRegex();
}

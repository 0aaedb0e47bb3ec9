using System.Text.RegularExpressions;

namespace Paas.Cli.Parsing;

/// <summary>Parses <c>--procfile 'web: command'</c> lines into process type to command, as a Procfile reads.</summary>
internal static partial class ProcfileEntry
{
    public static IReadOnlyDictionary<string, string>? Parse(IEnumerable<string>? lines)
    {
        var types = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines ?? [])
        {
            var match = Pattern().Match(line);
            if (!match.Success)
            {
                throw CliException.Usage($"'{line}' is not a Procfile line; write it like 'web: ./server --port $PORT'.");
            }

            types[match.Groups[1].Value] = match.Groups[2].Value.Trim();
        }

        return types.Count == 0 ? null : types;
    }

    [GeneratedRegex(@"^\s*([a-zA-Z0-9_-]+)\s*:\s*(\S.*)$")]
    private static partial Regex Pattern();
}

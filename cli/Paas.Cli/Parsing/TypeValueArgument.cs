using System.Text.RegularExpressions;

namespace Paas.Cli.Parsing;

/// <summary>Parses <c>limits:set</c> arguments: <c>web=512M worker=1G</c> into process type to value (the platform checks the values).</summary>
internal static partial class TypeValueArgument
{
    public static SortedDictionary<string, string?> Parse(IEnumerable<string> arguments, string example)
    {
        var values = new SortedDictionary<string, string?>(StringComparer.Ordinal);
        foreach (var argument in arguments)
        {
            var match = Pattern().Match(argument);
            if (!match.Success)
            {
                throw CliException.Usage($"'{argument}' is not TYPE=VALUE; write it like {example}.");
            }

            values[match.Groups[1].Value] = match.Groups[2].Value;
        }

        return values;
    }

    [GeneratedRegex("^([a-z][a-z0-9_-]*)=(\\S+)$")]
    private static partial Regex Pattern();
}

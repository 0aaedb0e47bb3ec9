using System.Globalization;
using System.Text.RegularExpressions;

namespace Paas.Cli.Parsing;

/// <summary>Parses <c>scale</c> arguments: <c>web=4 worker=1</c> into process type to count.</summary>
internal static partial class ScaleArgument
{
    public static IReadOnlyDictionary<string, int> Parse(IEnumerable<string> arguments)
    {
        var counts = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var argument in arguments)
        {
            var match = Pattern().Match(argument);
            if (!match.Success || !int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            {
                throw CliException.Usage($"'{argument}' is not TYPE=COUNT; write it like web=4.");
            }

            counts[match.Groups[1].Value] = count;
        }

        if (counts.Count == 0)
        {
            throw CliException.Usage("say what to scale, like `paas scale web=2 worker=1`.");
        }

        return counts;
    }

    [GeneratedRegex("^([a-z][a-z0-9_-]*)=([0-9]{1,6})$")]
    private static partial Regex Pattern();
}

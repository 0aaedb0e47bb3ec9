using Paas.Domain;

namespace Paas.Cli.Parsing;

/// <summary>Parses <c>--procfile 'web: command'</c> lines into process type to command, by the Procfile rule (<see cref="Procfile"/>).</summary>
internal static class ProcfileEntry
{
    public static IReadOnlyDictionary<string, string>? Parse(IEnumerable<string>? lines)
    {
        var types = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines ?? [])
        {
            if (Procfile.ParseLine(line, out var name, out var command) is { } error)
            {
                throw CliException.Usage($"'{line}' {error}; write it like 'web: ./server --port $PORT'.");
            }

            types[name] = command;
        }

        return types.Count == 0 ? null : types;
    }
}

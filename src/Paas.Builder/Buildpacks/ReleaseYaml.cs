namespace Paas.Builder;

/// <summary>
/// Reads the <c>default_process_types</c> map from a buildpack's <c>bin/release</c> output (Heroku buildpack API: YAML
/// with <c>addons</c>, <c>config_vars</c> and <c>default_process_types</c>). Only that simple two-level shape is read.
/// </summary>
internal static class ReleaseYaml
{
    /// <summary>The default process types in <paramref name="yaml"/> (empty when none).</summary>
    public static IReadOnlyDictionary<string, string> DefaultProcessTypes(string yaml)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var inside = false;
        foreach (var raw in yaml.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#') || line == "---")
            {
                continue;
            }

            if (!char.IsWhiteSpace(line[0]))
            {
                inside = line.StartsWith("default_process_types:", StringComparison.Ordinal);
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (inside && colon > 0)
            {
                var value = line[(colon + 1)..].Trim();
                if (value.Length >= 2 && ((value[0] == '"' && value[^1] == '"') || (value[0] == '\'' && value[^1] == '\'')))
                {
                    value = value[1..^1];
                }

                types[line[..colon].Trim()] = value;
            }
        }

        return types;
    }
}

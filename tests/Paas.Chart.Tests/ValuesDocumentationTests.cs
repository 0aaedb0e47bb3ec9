using System.Text.Json.Nodes;
using Paas.Chart.Tests.Rendering;
using YamlDotNet.RepresentationModel;

namespace Paas.Chart.Tests;

/// <summary>
/// Every value of values.yaml is documented (a comment above it, a description in values.schema.json, a line in the
/// chart's README) and exercised: some case sets it to something other than its default, so the golden files and the
/// OpenAPI validation cover what every option renders.
/// </summary>
public sealed class ValuesDocumentationTests
{
    private static string ValuesPath => Path.Combine(ChartCase.ChartDirectory, "values.yaml");

    [Fact]
    public void Every_key_of_values_yaml_has_a_comment_above_it()
    {
        var lines = File.ReadAllLines(ValuesPath);
        var undocumented = new List<string>();
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.TrimStart();
            if (trimmed.Length == 0 || trimmed.StartsWith('#') || trimmed.StartsWith('-') || !trimmed.Contains(':', StringComparison.Ordinal))
            {
                continue;
            }

            // requests and limits are described with their resources key.
            var above = i > 0 ? lines[i - 1].TrimStart() : "";
            var underResources = trimmed.StartsWith("requests:", StringComparison.Ordinal) || trimmed.StartsWith("limits:", StringComparison.Ordinal);
            if (!above.StartsWith('#') && !underResources)
            {
                undocumented.Add($"line {i + 1}: {line}");
            }
        }

        Assert.True(undocumented.Count == 0, "values.yaml keys without a comment directly above:\n" + string.Join("\n", undocumented));
    }

    [Fact]
    public void Every_value_is_changed_by_some_case()
    {
        var defaults = Load(ValuesPath);
        var cases = ChartCase.Names.Select(n => (Name: n, Values: Load(ChartCase.ValuesFile(n)))).ToList();

        var unexercised = Leaves(defaults, "")
            .Where(leaf => !cases.Any(c => At(c.Values, leaf.Path) is { } set && !JsonNode.DeepEquals(set, leaf.Value)))
            .Select(leaf => leaf.Path)
            .ToList();

        Assert.True(unexercised.Count == 0, "values no case under tests/Paas.Chart.Tests/Cases changes: " + string.Join(", ", unexercised));
    }

    [Fact]
    public void Every_schema_property_has_a_description()
    {
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(ChartCase.ChartDirectory, "values.schema.json")))!.AsObject();
        var missing = new List<string>();
        Walk(schema, "", schema["definitions"]!.AsObject(), missing);

        Assert.True(missing.Count == 0, "schema properties without a description: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_chart_readme_explains_every_value()
    {
        var readme = File.ReadAllText(Path.Combine(ChartCase.ChartDirectory, "README.md"));

        // Requests and limits are explained per part (`controller.resources`).
        var missing = Leaves(Load(ValuesPath), "")
            .Select(l => l.Path.Contains(".resources.", StringComparison.Ordinal) ? l.Path[..(l.Path.IndexOf(".resources.", StringComparison.Ordinal) + ".resources".Length)] : l.Path)
            .Distinct()
            .Where(p => !readme.Contains($"`{p}`", StringComparison.Ordinal))
            .ToList();

        Assert.True(missing.Count == 0, "values not explained in charts/paas/README.md (as `path`): " + string.Join(", ", missing));
    }

    private static JsonObject Load(string path)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        return YamlToJson.Convert(stream.Documents[0].RootNode)!.AsObject();
    }

    /// <summary>Scalars, lists and empty maps, by dotted path; non-empty maps are walked.</summary>
    private static IEnumerable<(string Path, JsonNode? Value)> Leaves(JsonObject map, string prefix)
    {
        foreach (var (key, value) in map)
        {
            var path = prefix + key;
            if (value is JsonObject { Count: > 0 } child)
            {
                foreach (var leaf in Leaves(child, path + "."))
                {
                    yield return leaf;
                }
            }
            else
            {
                yield return (path, value);
            }
        }
    }

    private static JsonNode? At(JsonObject map, string path)
    {
        JsonNode? node = map;
        foreach (var part in path.Split('.'))
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node))
            {
                return null;
            }
        }

        return node ?? JsonValue.Create("(null)");
    }

    private static void Walk(JsonObject schema, string path, JsonObject definitions, List<string> missing)
    {
        if (schema["properties"] is not JsonObject properties)
        {
            return;
        }

        foreach (var (name, value) in properties)
        {
            var property = value!.AsObject();
            var resolved = property["$ref"] is { } r ? definitions[((string)r!).Split('/')[^1]]!.AsObject() : property;
            if (property["description"] is null && resolved["description"] is null)
            {
                missing.Add(path + name);
            }

            Walk(resolved, path + name + ".", definitions, missing);
        }
    }
}

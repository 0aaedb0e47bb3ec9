using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Paas.Chart.Tests.Rendering;

/// <summary>
/// Reads YAML documents as the Kubernetes API server's decoder (sigs.k8s.io/yaml over go-yaml v2) types them, so that the
/// OpenAPI validation sees what a cluster would: plain scalars resolve by YAML 1.1 (<c>true</c>, <c>yes</c>, <c>on</c> are
/// booleans; <c>0440</c> is octal; <c>~</c> and an empty value are null), quoted scalars are strings.
/// </summary>
internal static partial class YamlToJson
{
    /// <summary>Every non-empty document of <paramref name="yaml"/>, as JSON.</summary>
    /// <exception cref="YamlException">The text is not YAML.</exception>
    public static IReadOnlyList<JsonNode?> Documents(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Where(d => d.RootNode is not YamlScalarNode { Value: null or "" }).Select(d => Convert(d.RootNode))];
    }

    /// <summary>One node, as JSON.</summary>
    public static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(c => KeyValuePair.Create(((YamlScalarNode)c.Key).Value ?? "", Convert(c.Value)))),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(Convert)]),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new NotSupportedException($"YAML node {node.GetType().Name} at {node.Start}"),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        if (scalar.Style is not ScalarStyle.Plain || (!scalar.Tag.IsEmpty && !scalar.Tag.IsNonSpecific && scalar.Tag.Value == "tag:yaml.org,2002:str"))
        {
            return JsonValue.Create(text);
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                return null;
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "y" or "Y":
                return JsonValue.Create(true);
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "n" or "N":
                return JsonValue.Create(false);
        }

        var t = text.Replace("_", "", StringComparison.Ordinal);
        if (Decimal().IsMatch(t))
        {
            return JsonValue.Create(long.Parse(t, CultureInfo.InvariantCulture));
        }

        if (Octal().Match(t) is { Success: true } octal)
        {
            var value = System.Convert.ToInt64(octal.Groups[2].Value, 8);
            return JsonValue.Create(octal.Groups[1].Value == "-" ? -value : value);
        }

        if (Hex().Match(t) is { Success: true } hex)
        {
            return JsonValue.Create(long.Parse(hex.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }

        if (Float().IsMatch(t))
        {
            return JsonValue.Create(double.Parse(t, CultureInfo.InvariantCulture));
        }

        return JsonValue.Create(text);
    }

    [GeneratedRegex("^[-+]?(0|[1-9][0-9]*)$")]
    private static partial Regex Decimal();

    [GeneratedRegex("^([-+]?)0([0-7]+)$")]
    private static partial Regex Octal();

    [GeneratedRegex("^0x([0-9a-fA-F]+)$")]
    private static partial Regex Hex();

    [GeneratedRegex("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex Float();
}

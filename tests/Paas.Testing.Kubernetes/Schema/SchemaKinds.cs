using System.Text.Json.Nodes;

namespace Paas.Testing.Kubernetes.Schema;

/// <summary>Classifies schemas.</summary>
public static class SchemaKinds
{
    /// <summary>The kind of a resolved schema.</summary>
    public static SchemaKind Of(JsonObject? resolved)
    {
        if (resolved is null)
        {
            return SchemaKind.Unknown;
        }

        if (resolved["properties"] is JsonObject)
        {
            return SchemaKind.Struct;
        }

        var type = resolved["type"]?.GetValue<string>();
        return type switch
        {
            "object" when resolved["additionalProperties"] is JsonObject => SchemaKind.Map,
            "object" => SchemaKind.Unknown,
            "array" => SchemaKind.List,
            null when resolved["oneOf"] is not null || resolved["x-kubernetes-int-or-string"] is not null => SchemaKind.Scalar,
            null => SchemaKind.Unknown,
            _ => SchemaKind.Scalar,
        };
    }

    /// <summary>The list-map keys of a property schema (<c>x-kubernetes-list-map-keys</c>), or null.</summary>
    public static IReadOnlyList<string>? ListMapKeys(JsonObject? property) =>
        property?["x-kubernetes-list-type"]?.GetValue<string>() == "map" && property["x-kubernetes-list-map-keys"] is JsonArray keys
            ? [.. keys.Select(k => k!.GetValue<string>())]
            : null;

    /// <summary>Whether the list is a set of scalars.</summary>
    public static bool IsSet(JsonObject? property) => property?["x-kubernetes-list-type"]?.GetValue<string>() == "set";

    /// <summary>Whether a struct or map is atomic (<c>x-kubernetes-map-type: atomic</c>).</summary>
    public static bool IsAtomic(JsonObject? property, JsonObject? resolved) =>
        property?["x-kubernetes-map-type"]?.GetValue<string>() == "atomic" || resolved?["x-kubernetes-map-type"]?.GetValue<string>() == "atomic";

    /// <summary>The strategic-merge key of a list property, or null.</summary>
    public static string? PatchMergeKey(JsonObject? property) =>
        property?["x-kubernetes-patch-strategy"]?.GetValue<string>()?.Contains("merge", StringComparison.Ordinal) == true
            ? property["x-kubernetes-patch-merge-key"]?.GetValue<string>()
            : null;
}

using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Schema;

namespace Paas.Testing.Kubernetes.Apply;

/// <summary>Merges applied configurations and patches into live objects, guided by the schemas.</summary>
/// <param name="documents">The schemas.</param>
public sealed class Merger(OpenApiDocuments documents)
{
    /// <summary>The schema reference of a kind, or null.</summary>
    public JsonObject? KindSchema(JsonObject obj) =>
        documents.SchemaName(Json.KubeJson.Str(obj, "apiVersion") ?? string.Empty, Json.KubeJson.Str(obj, "kind") ?? string.Empty) is { } n
            ? new JsonObject { ["$ref"] = "#/components/schemas/" + n }
            : null;

    /// <summary>Server-side apply's merge: maps and structs field by field, list-maps item by key, everything else replaced.</summary>
    public void Apply(JsonObject live, JsonObject applied, JsonObject? schemaRef) => MergeObject(live, applied, schemaRef, strategic: true, applyMode: true);

    /// <summary>RFC 7386 JSON merge patch.</summary>
    public static JsonNode? MergePatch(JsonNode? target, JsonNode? patch)
    {
        if (patch is not JsonObject p)
        {
            return patch?.DeepClone();
        }

        var t = target as JsonObject ?? new JsonObject();
        foreach (var (k, v) in p)
        {
            if (v is null)
            {
                t.Remove(k);
            }
            else
            {
                var current = t[k];
                t[k] = MergePatch(current?.DeepClone(), v);
            }
        }

        return t;
    }

    /// <summary>Strategic merge patch for the simple cases: merge-patch, but lists with a patch merge key merged by that key.</summary>
    public void StrategicMerge(JsonObject target, JsonObject patch, JsonObject? schemaRef) => MergeObject(target, patch, schemaRef, strategic: true, applyMode: false);

    private void MergeObject(JsonObject target, JsonObject patch, JsonNode? schemaRef, bool strategic, bool applyMode)
    {
        var schema = documents.Resolve(schemaRef);
        var kind = SchemaKinds.Of(schema);
        foreach (var (k, v) in patch)
        {
            if (k == "$patch" || k.StartsWith("$setElementOrder", StringComparison.Ordinal) || k.StartsWith("$retainKeys", StringComparison.Ordinal))
            {
                continue;
            }

            if (v is null)
            {
                target.Remove(k);
                continue;
            }

            JsonObject? property = kind switch
            {
                SchemaKind.Struct => schema!["properties"]?[k] as JsonObject,
                SchemaKind.Map => schema!["additionalProperties"] as JsonObject,
                _ => null,
            };
            var propSchema = documents.Resolve(property);
            var current = target[k];
            if (v is JsonObject vo && current is JsonObject co && !SchemaKinds.IsAtomic(property, propSchema))
            {
                MergeObject(co, vo, property, strategic, applyMode);
            }
            else if (v is JsonArray va && current is JsonArray ca && strategic
                && (applyMode ? SchemaKinds.ListMapKeys(property) : (SchemaKinds.PatchMergeKey(property) is { } mk ? [mk] : null)) is { } keys)
            {
                MergeList(ca, va, keys, propSchema?["items"] as JsonObject, strategic, applyMode);
            }
            else
            {
                target[k] = v.DeepClone();
            }
        }
    }

    private void MergeList(JsonArray current, JsonArray patch, IReadOnlyList<string> keys, JsonObject? items, bool strategic, bool applyMode)
    {
        foreach (var item in patch)
        {
            if (item is not JsonObject pi)
            {
                current.Add(item?.DeepClone());
                continue;
            }

            var match = current.OfType<JsonObject>().FirstOrDefault(ci => keys.All(key => JsonNode.DeepEquals(ci[key], pi[key]) || (key == "protocol" && (ci[key] ?? "TCP").ToJsonString() == (pi[key] ?? "TCP").ToJsonString())));
            if (pi["$patch"]?.GetValue<string>() == "delete")
            {
                if (match is not null)
                {
                    current.Remove(match);
                }

                continue;
            }

            if (match is null)
            {
                current.Add(pi.DeepClone());
            }
            else
            {
                MergeObject(match, pi, items, strategic, applyMode);
            }
        }
    }
}

using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Schema;

/// <summary>Puts an object's keys in the order the Go API server serializes them: struct fields in Go order, map keys sorted.</summary>
/// <param name="documents">The schemas.</param>
public sealed class Canonicalizer(OpenApiDocuments documents)
{
    /// <summary>Reorders <paramref name="obj"/> in place.</summary>
    public void Canonicalize(JsonObject obj)
    {
        var kind = KubeJson.Str(obj, "kind") ?? string.Empty;
        var apiVersion = KubeJson.Str(obj, "apiVersion") ?? string.Empty;
        var schemaName = documents.SchemaName(apiVersion, kind);
        if (schemaName is null)
        {
            KubeJson.Reorder(obj, GoFieldOrder.ForKind(kind));
            if (obj["metadata"] is JsonObject meta)
            {
                Walk(meta, new JsonObject { ["$ref"] = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" });
            }

            return;
        }

        Walk(obj, new JsonObject { ["$ref"] = "#/components/schemas/" + schemaName });
    }

    private void Walk(JsonNode? node, JsonNode? schemaRef)
    {
        var schema = documents.Resolve(schemaRef);
        switch (node)
        {
            case JsonObject o when SchemaKinds.Of(schema) == SchemaKind.Struct:
                var name = documents.NameOf(schemaRef) ?? string.Empty;
                if (GoFieldOrder.For(name) is { } order)
                {
                    KubeJson.Reorder(o, order);
                }

                var props = (JsonObject)schema!["properties"]!;
                foreach (var (key, value) in o.ToList())
                {
                    if (key == "fieldsV1")
                    {
                        continue;
                    }

                    Walk(value, props[key]);
                }

                break;
            case JsonObject m when SchemaKinds.Of(schema) == SchemaKind.Map:
                var sorted = m.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key).ToList();
                KubeJson.Reorder(m, sorted);
                foreach (var (_, value) in m.ToList())
                {
                    Walk(value, schema!["additionalProperties"]);
                }

                break;
            case JsonArray a when SchemaKinds.Of(schema) == SchemaKind.List:
                foreach (var item in a)
                {
                    Walk(item, schema!["items"]);
                }

                break;
        }
    }
}

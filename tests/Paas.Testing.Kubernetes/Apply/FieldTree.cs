using System.Text.Json;
using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Schema;

namespace Paas.Testing.Kubernetes.Apply;

/// <summary>
/// Builds and queries FieldsV1 trees (<c>managedFields[].fieldsV1</c>) from objects and their schemas: struct and map
/// fields as <c>f:NAME</c>, list-map items as <c>k:{KEYS}</c> (with <c>"."</c>), set items as <c>v:VALUE</c>, atomic
/// lists, atomic structs and scalars as leaves <c>{}</c>. Children are sorted as the server sorts them.
/// </summary>
/// <param name="documents">The schemas.</param>
public sealed class FieldTree(OpenApiDocuments documents)
{
    private static readonly HashSet<string> IgnoredMetadata = ["name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"];
    private static readonly HashSet<string> NoDot = ["f:metadata", "f:spec", "f:status", "f:template", "f:containers", "f:conditions"];

    /// <summary>The schema resolver.</summary>
    public OpenApiDocuments Documents => documents;

    /// <summary>The tree of every field set in <paramref name="obj"/> (no status, no server-owned metadata).</summary>
    /// <param name="obj">The object (with kind and apiVersion).</param>
    /// <param name="dots">Whether to mark non-leaf maps and structs with <c>"."</c> as Update entries do.</param>
    /// <param name="statusOnly">Only the <c>status</c> subtree (status subresource writes).</param>
    public JsonObject Build(JsonObject obj, bool dots, bool statusOnly = false)
    {
        var schemaName = documents.SchemaName(Json.KubeJson.Str(obj, "apiVersion") ?? string.Empty, Json.KubeJson.Str(obj, "kind") ?? string.Empty);
        JsonNode? schemaRef = schemaName is null ? null : new JsonObject { ["$ref"] = "#/components/schemas/" + schemaName };
        var schema = documents.Resolve(schemaRef);
        var tree = new JsonObject();
        foreach (var (key, value) in obj)
        {
            if (key is "kind" or "apiVersion" || (statusOnly ? key != "status" : key == "status"))
            {
                continue;
            }

            var property = schema?["properties"]?[key] as JsonObject;
            JsonNode? child;
            if (key == "metadata" && value is JsonObject meta)
            {
                var metaTree = new JsonObject();
                var metaSchema = documents.Resolve(new JsonObject { ["$ref"] = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta" });
                foreach (var (mk, mv) in meta)
                {
                    if (IgnoredMetadata.Contains(mk) || mv is null)
                    {
                        continue;
                    }

                    var mp = metaSchema?["properties"]?[mk] as JsonObject;
                    metaTree["f:" + mk] = Node(mv, mp, dots, "f:" + mk);
                }

                child = metaTree;
            }
            else
            {
                if (value is null)
                {
                    continue;
                }

                child = Node(value, property, dots, "f:" + key);
            }

            if (child is JsonObject c && (c.Count > 0 || key is not ("metadata" or "spec")))
            {
                tree["f:" + key] = c;
            }
        }

        return Sort(tree);
    }

    private JsonObject Node(JsonNode value, JsonObject? property, bool dots, string name)
    {
        var schema = documents.Resolve(property);
        var kind = property is null ? Guess(value) : SchemaKinds.Of(schema);
        var result = new JsonObject();
        switch (kind)
        {
            case SchemaKind.Struct when value is JsonObject o && !SchemaKinds.IsAtomic(property, schema):
                foreach (var (k, v) in o)
                {
                    if (v is null)
                    {
                        continue;
                    }

                    result["f:" + k] = Node(v, schema!["properties"]?[k] as JsonObject, dots, "f:" + k);
                }

                break;
            case SchemaKind.Map when value is JsonObject m && !SchemaKinds.IsAtomic(property, schema):
            case SchemaKind.Unknown when value is JsonObject m2 && property is null:
                var map = (JsonObject)value;
                var valueSchema = schema?["additionalProperties"] as JsonObject;
                foreach (var (k, v) in map)
                {
                    if (v is null)
                    {
                        continue;
                    }

                    result["f:" + k] = Node(v, valueSchema, dots, "f:" + k);
                }

                break;
            case SchemaKind.List when value is JsonArray a:
                var keys = SchemaKinds.ListMapKeys(property);
                var items = schema?["items"] as JsonObject;
                var itemSchema = documents.Resolve(items);
                if (keys is not null)
                {
                    foreach (var item in a.OfType<JsonObject>())
                    {
                        var key = "k:" + KeyJson(item, keys, itemSchema);
                        if (SchemaKinds.IsAtomic(items, itemSchema))
                        {
                            result[key] = new JsonObject();
                            continue;
                        }

                        var entry = Node(item, items, dots, key);
                        entry["."] = new JsonObject();
                        result[key] = Sort(entry);
                    }

                    if (dots && a.Count > 0 && !NoDot.Contains(name))
                    {
                        result["."] = new JsonObject();
                    }
                }
                else if (SchemaKinds.IsSet(property))
                {
                    foreach (var item in a)
                    {
                        result["v:" + (item?.ToJsonString() ?? "null")] = new JsonObject();
                    }
                }

                return Sort(result);
        }

        if (dots && result.Count > 0 && !NoDot.Contains(name))
        {
            result["."] = new JsonObject();
        }

        return Sort(result);
    }

    private static SchemaKind Guess(JsonNode value) => value switch
    {
        JsonObject => SchemaKind.Unknown,
        JsonArray => SchemaKind.Scalar,
        _ => SchemaKind.Scalar,
    };

    private static string KeyJson(JsonObject item, IReadOnlyList<string> keys, JsonObject? itemSchema)
    {
        var k = new JsonObject();
        foreach (var key in keys)
        {
            var v = item[key]?.DeepClone();
            if (v is null && itemSchema?["properties"]?[key]?["default"] is { } d)
            {
                v = d.DeepClone();
            }

            if (v is null && key == "protocol")
            {
                v = "TCP";
            }

            if (v is not null)
            {
                k[key] = v;
            }
        }

        return k.ToJsonString(Json.KubeJson.Compact);
    }

    /// <summary>Sorts a tree's children: <c>.</c> first, then ordinal.</summary>
    public static JsonObject Sort(JsonObject tree)
    {
        var entries = tree.OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        tree.Clear();
        foreach (var (k, v) in entries)
        {
            tree[k] = v;
        }

        return tree;
    }

    /// <summary>The leaves of a tree (nodes without children other than <c>.</c>); <c>.</c> itself is not a leaf.</summary>
    public static List<FieldPath> Leaves(JsonObject tree)
    {
        var result = new List<FieldPath>();
        Collect(tree, [], result);
        return result;
    }

    private static void Collect(JsonObject node, List<string> prefix, List<FieldPath> result)
    {
        foreach (var (k, v) in node)
        {
            if (k == ".")
            {
                continue;
            }

            var path = new List<string>(prefix) { k };
            if (v is JsonObject child && child.Any(c => c.Key != "."))
            {
                Collect(child, path, result);
            }
            else
            {
                result.Add(new FieldPath(path));
            }
        }
    }

    /// <summary>Whether the tree holds the path (as a node).</summary>
    public static bool Contains(JsonObject tree, FieldPath path)
    {
        JsonNode? node = tree;
        foreach (var s in path.Segments)
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(s, out node))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Removes the path and prunes parents left empty (or holding only <c>.</c>).</summary>
    public static void Remove(JsonObject tree, FieldPath path)
    {
        var chain = new List<JsonObject> { tree };
        JsonNode? node = tree;
        foreach (var s in path.Segments.Take(path.Segments.Count - 1))
        {
            if (node is not JsonObject o || o[s] is not JsonObject next)
            {
                return;
            }

            chain.Add(next);
            node = next;
        }

        chain[^1].Remove(path.Segments[^1]);
        for (var i = chain.Count - 1; i > 0; i--)
        {
            if (chain[i].All(c => c.Key == "."))
            {
                chain[i - 1].Remove(path.Segments[i - 1]);
            }
            else
            {
                break;
            }
        }
    }

    /// <summary>Adds a path (creating parents).</summary>
    public static void Add(JsonObject tree, FieldPath path)
    {
        var node = tree;
        foreach (var s in path.Segments)
        {
            if (node[s] is not JsonObject next)
            {
                next = new JsonObject();
                node[s] = next;
                Sort(node);
            }

            node = next;
        }
    }

    /// <summary>The value at a path in an object, or null (the second value says whether it exists).</summary>
    public static (JsonNode? Value, bool Found) ValueAt(JsonObject obj, FieldPath path)
    {
        JsonNode? node = obj;
        foreach (var s in path.Segments)
        {
            if (s.StartsWith("f:", StringComparison.Ordinal))
            {
                if (node is not JsonObject o || !o.TryGetPropertyValue(s[2..], out node))
                {
                    return (null, false);
                }
            }
            else if (s.StartsWith("k:", StringComparison.Ordinal))
            {
                if (node is not JsonArray a)
                {
                    return (null, false);
                }

                var keys = JsonNode.Parse(s[2..])!.AsObject();
                node = a.FirstOrDefault(i => i is JsonObject io && keys.All(k => KeyMatches(io[k.Key], k.Value, k.Key)));
                if (node is null)
                {
                    return (null, false);
                }
            }
            else if (s.StartsWith("v:", StringComparison.Ordinal))
            {
                if (node is not JsonArray a)
                {
                    return (null, false);
                }

                var v = JsonNode.Parse(s[2..]);
                node = a.FirstOrDefault(i => JsonNode.DeepEquals(i, v));
                if (node is null)
                {
                    return (null, false);
                }
            }
        }

        return (node, true);
    }

    private static bool KeyMatches(JsonNode? actual, JsonNode? key, string name) =>
        JsonNode.DeepEquals(actual, key) || (actual is null && name == "protocol" && key is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == "TCP");

    /// <summary>Deletes the field or list item a path names from an object.</summary>
    public static void RemoveFromObject(JsonObject obj, FieldPath path)
    {
        if (path.Segments.Count == 0)
        {
            return;
        }

        var parent = ValueAt(obj, new FieldPath([.. path.Segments.Take(path.Segments.Count - 1)])).Value;
        var last = path.Segments[^1];
        if (last.StartsWith("f:", StringComparison.Ordinal) && parent is JsonObject po)
        {
            po.Remove(last[2..]);
        }
        else if (parent is JsonArray pa && ValueAt(obj, path).Value is { } item)
        {
            pa.Remove(item);
        }
    }
}

using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Paas.Testing.Kubernetes.Json;

/// <summary>Small helpers over <see cref="JsonNode"/> for the shapes Kubernetes objects take.</summary>
public static class KubeJson
{
    /// <summary>Serializer options: compact, no escaping beyond what Go's encoder escapes.</summary>
    public static readonly JsonSerializerOptions Compact = new()
    {
        WriteIndented = false,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Formats a time the way metav1.Time serializes (RFC 3339, seconds, Z).</summary>
    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Formats a metav1.MicroTime (6 fractional digits).</summary>
    public static string MicroTime(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Serializes compactly.</summary>
    public static string Serialize(JsonNode? node) => node is null ? "null" : node.ToJsonString(Compact);

    /// <summary>A deep copy (null stays null).</summary>
    public static JsonObject CloneObject(JsonObject source) => (JsonObject)source.DeepClone();

    /// <summary>The child object named <paramref name="name"/>, created (appended) when missing.</summary>
    public static JsonObject Obj(JsonObject parent, string name)
    {
        if (parent[name] is JsonObject existing)
        {
            return existing;
        }

        var created = new JsonObject();
        parent[name] = created;
        return created;
    }

    /// <summary>The string at a dotted path, or null.</summary>
    public static string? Str(JsonNode? node, params string[] path)
    {
        var n = At(node, path);
        return n is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }

    /// <summary>The integer at a path, or null.</summary>
    public static long? Long(JsonNode? node, params string[] path)
    {
        var n = At(node, path);
        if (n is JsonValue v)
        {
            if (v.TryGetValue<long>(out var l))
            {
                return l;
            }

            if (v.TryGetValue<int>(out var i))
            {
                return i;
            }

            if (v.TryGetValue<double>(out var d) && Math.Abs(d % 1) < double.Epsilon)
            {
                return (long)d;
            }

            if (v.GetValueKind() == JsonValueKind.Number && long.TryParse(v.ToJsonString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var parsed))
            {
                return parsed;
            }
        }

        return null;
    }

    /// <summary>The node at a path, or null.</summary>
    public static JsonNode? At(JsonNode? node, params string[] path)
    {
        foreach (var p in path)
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(p, out node))
            {
                return null;
            }
        }

        return node;
    }

    /// <summary>The object's labels as a dictionary (empty when none).</summary>
    public static Dictionary<string, string> Labels(JsonObject obj) => StringMap(At(obj, "metadata", "labels"));

    /// <summary>A JSON map of strings as a dictionary.</summary>
    public static Dictionary<string, string> StringMap(JsonNode? node)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject o)
        {
            foreach (var (k, v) in o)
            {
                result[k] = v is JsonValue jv && jv.TryGetValue<string>(out var s) ? s : v?.ToJsonString() ?? string.Empty;
            }
        }

        return result;
    }

    /// <summary>A JSON object holding <paramref name="map"/> with keys sorted as Go serializes maps.</summary>
    public static JsonObject SortedMap(IEnumerable<KeyValuePair<string, string>> map)
    {
        var o = new JsonObject();
        foreach (var (k, v) in map.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            o[k] = v;
        }

        return o;
    }

    /// <summary>Deep equality.</summary>
    public static bool Same(JsonNode? a, JsonNode? b) => JsonNode.DeepEquals(a, b);

    /// <summary>Rebuilds <paramref name="obj"/> with <paramref name="first"/> keys first (in that order), the rest after.</summary>
    public static void Reorder(JsonObject obj, IReadOnlyList<string> first)
    {
        var entries = obj.ToList();
        obj.Clear();
        foreach (var key in first)
        {
            var i = entries.FindIndex(e => e.Key == key);
            if (i >= 0)
            {
                obj[key] = entries[i].Value;
                entries.RemoveAt(i);
            }
        }

        foreach (var (k, v) in entries)
        {
            obj[k] = v;
        }
    }

    /// <summary>Inserts or replaces <paramref name="key"/> keeping the key's position when it exists.</summary>
    public static void Set(JsonObject obj, string key, JsonNode? value) => obj[key] = value;

    /// <summary>A quoted Go-style string (%q) for messages.</summary>
    public static string Quote(string s) => JsonSerializer.Serialize(s, Compact);
}

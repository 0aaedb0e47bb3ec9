using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace Paas.Testing.Kubernetes.Schema;

/// <summary>The recorded OpenAPI v3 documents, indexed by schema name and by group/version/kind.</summary>
public sealed class OpenApiDocuments
{
    private static readonly ConcurrentDictionary<string, OpenApiDocuments> Cache = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonObject> _schemas = new(StringComparer.Ordinal);
    private readonly Dictionary<(string ApiVersion, string Kind), string> _byKind = [];

    private OpenApiDocuments(string directory)
    {
        Directory = directory;
        foreach (var file in System.IO.Directory.GetFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(file) == "index.json")
            {
                continue;
            }

            var doc = JsonNode.Parse(File.ReadAllBytes(file))!.AsObject();
            if (doc["components"]?["schemas"] is not JsonObject schemas)
            {
                continue;
            }

            foreach (var (name, schema) in schemas)
            {
                if (schema is not JsonObject s)
                {
                    continue;
                }

                _schemas.TryAdd(name, s);
                if (s["x-kubernetes-group-version-kind"] is JsonArray gvks && s["properties"] is JsonObject props && props.ContainsKey("metadata"))
                {
                    foreach (var gvk in gvks.OfType<JsonObject>())
                    {
                        var group = gvk["group"]?.GetValue<string>() ?? string.Empty;
                        var version = gvk["version"]!.GetValue<string>();
                        var apiVersion = group.Length == 0 ? version : $"{group}/{version}";
                        _byKind.TryAdd((apiVersion, gvk["kind"]!.GetValue<string>()), name);
                    }
                }
            }
        }
    }

    /// <summary>The folder the documents came from.</summary>
    public string Directory { get; }

    /// <summary>Loads (once per folder) the documents.</summary>
    public static OpenApiDocuments Load(string directory) => Cache.GetOrAdd(Path.GetFullPath(directory), d => new OpenApiDocuments(d));

    /// <summary>The schema name for a kind, or null when no recorded document declares it.</summary>
    public string? SchemaName(string apiVersion, string kind) => _byKind.GetValueOrDefault((apiVersion, kind));

    /// <summary>The schema for a kind, or null.</summary>
    public JsonObject? ForKind(string apiVersion, string kind) => SchemaName(apiVersion, kind) is { } n ? _schemas[n] : null;

    /// <summary>Follows <c>$ref</c> and single-element <c>allOf</c>; returns the schema itself otherwise.</summary>
    public JsonObject? Resolve(JsonNode? schema)
    {
        for (var i = 0; i < 8 && schema is JsonObject s; i++)
        {
            if (s["$ref"]?.GetValue<string>() is { } r)
            {
                schema = _schemas.GetValueOrDefault(r[(r.LastIndexOf('/') + 1)..]);
                continue;
            }

            if (s["allOf"] is JsonArray { Count: 1 } all)
            {
                schema = all[0];
                continue;
            }

            return s;
        }

        return schema as JsonObject;
    }

    /// <summary>The short name of a resolved schema (<c>DeploymentSpec</c>), or null for inline schemas.</summary>
    public string? NameOf(JsonNode? schema)
    {
        for (var i = 0; i < 8 && schema is JsonObject s; i++)
        {
            if (s["$ref"]?.GetValue<string>() is { } r)
            {
                var full = r[(r.LastIndexOf('/') + 1)..];
                return full[(full.LastIndexOf('.') + 1)..];
            }

            if (s["allOf"] is JsonArray { Count: 1 } all)
            {
                schema = all[0];
                continue;
            }

            return null;
        }

        return null;
    }
}

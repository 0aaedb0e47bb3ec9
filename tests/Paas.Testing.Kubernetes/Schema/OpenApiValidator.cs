using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Paas.Testing.Kubernetes.Schema;

/// <summary>
/// Checks an object against the recorded OpenAPI v3 documents, resolving its schema from <c>apiVersion</c>/<c>kind</c>
/// through <c>x-kubernetes-group-version-kind</c>: unknown fields, wrong types, missing required fields, int-or-string and
/// quantities. Messages use the server-side apply notation (<c>.spec.foo: field not declared in schema</c>). A kind that no
/// recorded document declares (policy/v1, discovery.k8s.io/v1) gives one message starting with
/// <see cref="NoRecordedSchema"/>, so the caller sees that nothing was checked.
/// </summary>
public sealed partial class OpenApiValidator
{
    /// <summary>The prefix of the message for kinds without a recorded schema.</summary>
    public const string NoRecordedSchema = "no recorded schema";

    /// <summary>Creates a validator over the documents in <paramref name="openApiDirectory"/>.</summary>
    /// <param name="openApiDirectory">The folder of recorded documents; null finds <c>shared/kubernetes/openapi</c> upwards.</param>
    public OpenApiValidator(string? openApiDirectory = null)
    {
        Documents = OpenApiDocuments.Load(openApiDirectory ?? SharedRecordings.OpenApiDirectory());
    }

    /// <summary>The documents.</summary>
    public OpenApiDocuments Documents { get; }

    /// <summary>Whether a recorded schema exists for the kind.</summary>
    public bool HasSchema(string apiVersion, string kind) => Documents.SchemaName(apiVersion, kind) is not null;

    /// <summary>Validates <paramref name="obj"/>; an empty list means valid.</summary>
    public IReadOnlyList<string> Validate(JsonNode obj) => Validate(obj, requireRequired: true);

    /// <summary>Validates; <paramref name="requireRequired"/> false skips required-field checks (apply patches are partial).</summary>
    public IReadOnlyList<string> Validate(JsonNode obj, bool requireRequired)
    {
        var errors = new List<string>();
        if (obj is not JsonObject o)
        {
            errors.Add(": expected object");
            return errors;
        }

        var apiVersion = o["apiVersion"] is JsonValue av && av.TryGetValue<string>(out var a) ? a : null;
        var kind = o["kind"] is JsonValue kv && kv.TryGetValue<string>(out var k) ? k : null;
        if (apiVersion is null || kind is null)
        {
            errors.Add(".apiVersion/.kind: both are required to find the schema");
            return errors;
        }

        var schema = Documents.ForKind(apiVersion, kind);
        if (schema is null)
        {
            errors.Add($"{NoRecordedSchema} for {apiVersion}, Kind={kind} (only core/v1, apps/v1, autoscaling/v2, batch/v1 and networking.k8s.io/v1 were recorded)");
            return errors;
        }

        Walk(o, null, schema, string.Empty, errors, requireRequired);
        return errors;
    }

    private static string Describe(JsonNode? n) => n switch
    {
        null => "null",
        JsonObject => "map",
        JsonArray => "list",
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "bool",
            _ => "value",
        },
        _ => "value",
    };

    private static bool IsQuantity(JsonNode? n) =>
        n is JsonValue v && (v.GetValueKind() == JsonValueKind.Number || (v.TryGetValue<string>(out var s) && QuantityPattern().IsMatch(s)));

    [GeneratedRegex("^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$")]
    private static partial Regex QuantityPattern();

    private void Walk(JsonNode? node, JsonObject? property, JsonObject? schemaRef, string path, List<string> errors, bool requireRequired)
    {
        if (node is null)
        {
            return;
        }

        var schema = Documents.Resolve(schemaRef);
        if (schema is null)
        {
            return;
        }

        var format = schema["format"]?.GetValue<string>();
        if (format == "int-or-string" || schema["x-kubernetes-int-or-string"] is not null)
        {
            if (node is not JsonValue iv || (iv.GetValueKind() != JsonValueKind.String && !IsInteger(iv)))
            {
                errors.Add($"{path}: expected int or string, got {Describe(node)}");
            }

            return;
        }

        if (Documents.NameOf(schemaRef) == "Quantity" || (schema["oneOf"] is JsonArray && format is null && schema["description"]?.GetValue<string>()?.StartsWith("Quantity", StringComparison.Ordinal) == true))
        {
            if (!IsQuantity(node))
            {
                errors.Add($"{path}: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
            }

            return;
        }

        switch (SchemaKinds.Of(schema))
        {
            case SchemaKind.Struct:
                if (node is not JsonObject o)
                {
                    errors.Add($"{path}: expected map, got {Describe(node)}");
                    return;
                }

                var props = (JsonObject)schema["properties"]!;
                foreach (var (name, value) in o)
                {
                    if (props[name] is not JsonObject p)
                    {
                        errors.Add($"{path}.{name}: field not declared in schema");
                        continue;
                    }

                    Walk(value, p, p, $"{path}.{name}", errors, requireRequired);
                }

                if (requireRequired && schema["required"] is JsonArray required)
                {
                    foreach (var r in required.Select(x => x!.GetValue<string>()))
                    {
                        if (!o.ContainsKey(r))
                        {
                            errors.Add($"{path}.{r}: required field missing");
                        }
                    }
                }

                return;
            case SchemaKind.Map:
                if (node is not JsonObject m)
                {
                    errors.Add($"{path}: expected map, got {Describe(node)}");
                    return;
                }

                var valueSchema = schema["additionalProperties"] as JsonObject;
                foreach (var (name, value) in m)
                {
                    Walk(value, valueSchema, valueSchema, $"{path}.{name}", errors, requireRequired);
                }

                return;
            case SchemaKind.List:
                if (node is not JsonArray list)
                {
                    errors.Add($"{path}: expected list, got {Describe(node)}");
                    return;
                }

                var items = schema["items"] as JsonObject;
                var keys = SchemaKinds.ListMapKeys(property ?? schema);
                for (var i = 0; i < list.Count; i++)
                {
                    Walk(list[i], items, items, $"{path}{ItemPath(list[i], keys, i)}", errors, requireRequired);
                }

                return;
            case SchemaKind.Scalar:
                CheckScalar(node, schema["type"]?.GetValue<string>(), format, path, errors);
                return;
            default:
                return;
        }
    }

    /// <summary>The SSA notation of a list element: <c>[name="web"]</c> for list-maps, <c>[0]</c> otherwise.</summary>
    public static string ItemPath(JsonNode? item, IReadOnlyList<string>? keys, int index)
    {
        if (keys is null || item is not JsonObject o)
        {
            return $"[{index}]";
        }

        var parts = keys.Where(o.ContainsKey).Select(k => $"{k}={KeyValue(o[k])}");
        return "[" + string.Join(",", parts) + "]";
    }

    private static string KeyValue(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String ? Json.KubeJson.Quote(v.GetValue<string>()) : n?.ToJsonString() ?? "null";

    private static bool IsInteger(JsonValue v) =>
        v.GetValueKind() == JsonValueKind.Number && !v.ToJsonString().Contains('.', StringComparison.Ordinal) && !v.ToJsonString().Contains('e', StringComparison.OrdinalIgnoreCase);

    private static void CheckScalar(JsonNode node, string? type, string? format, string path, List<string> errors)
    {
        if (node is not JsonValue v)
        {
            errors.Add($"{path}: expected {type ?? "scalar"}, got {Describe(node)}");
            return;
        }

        var kind = v.GetValueKind();
        var ok = type switch
        {
            "string" => kind == JsonValueKind.String && (format != "byte" || IsBase64(v.GetValue<string>())),
            "integer" => IsInteger(v),
            "number" => kind == JsonValueKind.Number,
            "boolean" => kind is JsonValueKind.True or JsonValueKind.False,
            _ => true,
        };
        if (!ok)
        {
            var expected = type switch
            {
                "integer" or "number" => "numeric (int or float)",
                "boolean" => "bool",
                "string" when format == "byte" && kind == JsonValueKind.String => "base64 data",
                _ => type,
            };
            errors.Add($"{path}: expected {expected}, got {Describe(node)}");
        }
    }

    private static bool IsBase64(string s)
    {
        var buffer = new byte[s.Length];
        return Convert.TryFromBase64String(s, buffer, out _);
    }
}

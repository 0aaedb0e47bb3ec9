using System.Text.Json;
using System.Text.Json.Nodes;

namespace Paas.Testing.Kubernetes.Tests.Support;

/// <summary>Compares a recorded body with the fake's: same keys in the same order, same values except the volatile ones (uids, times, resourceVersions, generated names).</summary>
public static class Shapes
{
    private static readonly HashSet<string> Volatile = ["uid", "resourceVersion", "creationTimestamp", "time", "lastTransitionTime", "lastUpdateTime", "deletionTimestamp", "startTime", "startedAt", "finishedAt", "clusterIP", "clusterIPs", "continue"];

    /// <summary>The differences (empty when equal up to volatile values).</summary>
    public static List<string> Differences(JsonNode? expected, JsonNode? actual, IReadOnlySet<string>? alsoIgnore = null)
    {
        var result = new List<string>();
        Compare(expected, actual, "$", result, alsoIgnore ?? new HashSet<string>());
        return result;
    }

    /// <summary>Asserts no differences.</summary>
    public static void AssertSame(JsonNode? expected, JsonNode? actual, IReadOnlySet<string>? alsoIgnore = null)
    {
        var d = Differences(expected, actual, alsoIgnore);
        Assert.True(d.Count == 0, string.Join("\n", d.Take(30)) + "\nactual: " + actual?.ToJsonString());
    }

    private static void Compare(JsonNode? e, JsonNode? a, string path, List<string> diffs, IReadOnlySet<string> ignore)
    {
        switch (e)
        {
            case JsonObject eo when a is JsonObject ao:
                var ek = eo.Select(p => p.Key).ToList();
                var ak = ao.Select(p => p.Key).ToList();
                if (!ek.SequenceEqual(ak))
                {
                    diffs.Add($"{path}: keys [{string.Join(",", ek)}] != [{string.Join(",", ak)}]");
                }

                foreach (var k in ek.Intersect(ak))
                {
                    if (Volatile.Contains(k) || ignore.Contains(k))
                    {
                        if ((eo[k] is null) != (ao[k] is null))
                        {
                            diffs.Add($"{path}.{k}: null-ness differs");
                        }

                        continue;
                    }

                    Compare(eo[k], ao[k], $"{path}.{k}", diffs, ignore);
                }

                break;
            case JsonArray ea when a is JsonArray aa:
                if (ea.Count != aa.Count)
                {
                    diffs.Add($"{path}: {ea.Count} items != {aa.Count}");
                }

                for (var i = 0; i < Math.Min(ea.Count, aa.Count); i++)
                {
                    Compare(ea[i], aa[i], $"{path}[{i}]", diffs, ignore);
                }

                break;
            default:
                if (!JsonNode.DeepEquals(e, a))
                {
                    diffs.Add($"{path}: {e?.ToJsonString() ?? "null"} != {a?.ToJsonString() ?? "null"}");
                }

                break;
        }
    }

    /// <summary>Whether a node is a JSON string.</summary>
    public static bool IsString(JsonNode? n) => n is JsonValue v && v.GetValueKind() == JsonValueKind.String;
}

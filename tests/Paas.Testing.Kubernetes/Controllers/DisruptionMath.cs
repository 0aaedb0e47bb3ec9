using System.Globalization;
using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Api;
using Paas.Testing.Kubernetes.Json;
using Paas.Testing.Kubernetes.Selection;

namespace Paas.Testing.Kubernetes.Controllers;

/// <summary>PodDisruptionBudget arithmetic: healthy (ready, not terminating) pods, desired healthy, expected pods.</summary>
public static class DisruptionMath
{
    /// <summary>Computes the budget's numbers (call under the store lock).</summary>
    public static (int Healthy, int Desired, int Expected) Compute(ClusterState state, JsonObject pdb)
    {
        var ns = KubeJson.Str(pdb, "metadata", "namespace") ?? string.Empty;
        var selector = LabelSelector.FromObject(pdb["spec"]?["selector"] as JsonObject);
        var pods = state.Store.List(ApiResources.Pods, ns).Where(p => selector.Matches(KubeJson.Labels(p)) && KubeJson.Str(p, "metadata", "deletionTimestamp") is null
            && KubeJson.Str(p, "status", "phase") is not ("Succeeded" or "Failed")).ToList();
        var expected = pods.Count;
        var healthy = pods.Count(IsReady);
        int desired;
        if (pdb["spec"]?["minAvailable"] is JsonNode min)
        {
            desired = Resolve(min, expected, roundUp: true);
        }
        else if (pdb["spec"]?["maxUnavailable"] is JsonNode max)
        {
            desired = Math.Max(0, expected - Resolve(max, expected, roundUp: true));
        }
        else
        {
            desired = expected;
        }

        return (healthy, desired, expected);
    }

    /// <summary>Whether a pod's Ready condition is True.</summary>
    public static bool IsReady(JsonObject pod) =>
        (pod["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().Any(c => KubeJson.Str(c, "type") == "Ready" && KubeJson.Str(c, "status") == "True");

    /// <summary>Resolves an int-or-percent against a total.</summary>
    public static int Resolve(JsonNode value, int total, bool roundUp)
    {
        if (value is JsonValue v && v.TryGetValue<string>(out var s))
        {
            if (s.EndsWith('%') && double.TryParse(s[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var pct))
            {
                var x = pct * total / 100.0;
                return (int)(roundUp ? Math.Ceiling(x) : Math.Floor(x));
            }

            return int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : 0;
        }

        return (int)(KubeJson.Long(new JsonObject { ["v"] = value.DeepClone() }, "v") ?? 0);
    }
}

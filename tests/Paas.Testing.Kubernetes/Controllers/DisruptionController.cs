using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Api;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Controllers;

/// <summary>PodDisruptionBudget status: observedGeneration, disruptionsAllowed, currentHealthy, desiredHealthy, expectedPods and the DisruptionAllowed condition (with its own observedGeneration).</summary>
/// <param name="state">The cluster.</param>
public sealed class DisruptionController(ClusterState state)
{
    /// <summary>One pass.</summary>
    public void Sync()
    {
        foreach (var pdb in state.Store.List(ApiResources.PodDisruptionBudgets, null))
        {
            var (healthy, desired, expected) = DisruptionMath.Compute(state, pdb);
            var allowed = Math.Max(0, healthy - desired);
            var generation = KubeJson.Long(pdb, "metadata", "generation") ?? 1;
            var status = allowed > 0 ? "True" : "False";
            var reason = allowed > 0 ? "SufficientPods" : "InsufficientPods";
            var old = (pdb["status"]?["conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault();
            var since = old is not null && KubeJson.Str(old, "status") == status ? KubeJson.Str(old, "lastTransitionTime") : KubeJson.Time(KubeClock.Now);
            var next = new JsonObject
            {
                ["observedGeneration"] = generation,
                ["disruptionsAllowed"] = allowed,
                ["currentHealthy"] = healthy,
                ["desiredHealthy"] = desired,
                ["expectedPods"] = expected,
                ["conditions"] = new JsonArray(new JsonObject
                {
                    ["type"] = "DisruptionAllowed",
                    ["status"] = status,
                    ["observedGeneration"] = generation,
                    ["lastTransitionTime"] = since,
                    ["reason"] = reason,
                    ["message"] = string.Empty,
                }),
            };
            state.WriteStatus(ApiResources.PodDisruptionBudgets, pdb, next);
        }
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Api;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Controllers;

/// <summary>Keeps each ReplicaSet's pod count at <c>spec.replicas</c> and writes its status (replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration).</summary>
/// <param name="state">The cluster.</param>
/// <param name="events">The event recorder.</param>
/// <param name="access">Quota refusals.</param>
public sealed class ReplicaSetController(ClusterState state, EventRecorder events, AccessRules access)
{
    /// <summary>One pass.</summary>
    public void Sync()
    {
        foreach (var rs in state.Store.List(ApiResources.ReplicaSets, null))
        {
            if (!Owners.IsDeleting(rs))
            {
                SyncOne(rs);
            }
        }
    }

    /// <summary>The pods that count for a ReplicaSet: owned, not terminating, not finished.</summary>
    public static List<JsonObject> ActivePods(ClusterState state, JsonObject rs) =>
        [.. state.Store.List(ApiResources.Pods, KubeJson.Str(rs, "metadata", "namespace")).Where(p =>
            Owners.IsOwnedBy(p, KubeJson.Str(rs, "metadata", "uid")) && !Owners.IsDeleting(p) && KubeJson.Str(p, "status", "phase") is not ("Succeeded" or "Failed"))];

    private void SyncOne(JsonObject rs)
    {
        var ns = KubeJson.Str(rs, "metadata", "namespace")!;
        var name = KubeJson.Str(rs, "metadata", "name")!;
        var desired = (int)(KubeJson.Long(rs, "spec", "replicas") ?? 1);
        var pods = ActivePods(state, rs);
        if (pods.Count < desired)
        {
            for (var i = pods.Count; i < desired; i++)
            {
                if (access.QuotaMessage(string.Empty, "pods", ns) is { } quota)
                {
                    events.Record(rs, "Warning", "FailedCreate", $"Error creating: pods \"{name}-\" is forbidden: {quota}", "replicaset-controller");
                    break;
                }

                var template = rs["spec"]?["template"] as JsonObject ?? [];
                var meta = new JsonObject { ["generateName"] = name + "-", ["namespace"] = ns };
                if (template["metadata"]?["labels"] is { } labels)
                {
                    meta["labels"] = labels.DeepClone();
                }

                if (template["metadata"]?["annotations"] is { } annotations)
                {
                    meta["annotations"] = annotations.DeepClone();
                }

                meta["ownerReferences"] = Owners.ControllerRef(rs);
                var pod = new JsonObject { ["kind"] = "Pod", ["apiVersion"] = "v1", ["metadata"] = meta, ["spec"] = template["spec"]?.DeepClone() };
                var created = state.Create(ApiResources.Pods, ns, pod, "kube-controller-manager");
                events.Record(rs, "Normal", "SuccessfulCreate", $"Created pod: {KubeJson.Str(created, "metadata", "name")}", "replicaset-controller");
            }
        }
        else if (pods.Count > desired)
        {
            // As the real controller ranks them (ActivePodsWithRanks): unscheduled, pending, not ready first; then the lower
            // controller.kubernetes.io/pod-deletion-cost; then the newer. Equal creation seconds stay in store order, where a
            // real cluster breaks ties by other means: nothing may rely on which of them goes.
            foreach (var pod in pods.OrderBy(Rank).ThenBy(DeletionCost).ThenByDescending(p => KubeJson.Str(p, "metadata", "creationTimestamp"), StringComparer.Ordinal).Take(pods.Count - desired).ToList())
            {
                var podName = KubeJson.Str(pod, "metadata", "name")!;
                state.Delete(ApiResources.Pods, ns, podName, null, null);
                events.Record(rs, "Normal", "SuccessfulDelete", $"Deleted pod: {podName}", "replicaset-controller");
            }
        }

        var live = state.Store.Get(ApiResources.ReplicaSets, ns, name)!;
        pods = ActivePods(state, live);
        var ready = pods.Count(DisruptionMath.IsReady);
        var status = new JsonObject { ["replicas"] = pods.Count };
        AddNonZero(status, "fullyLabeledReplicas", pods.Count);
        AddNonZero(status, "readyReplicas", ready);
        AddNonZero(status, "availableReplicas", ready);
        status["observedGeneration"] = KubeJson.Long(live, "metadata", "generation") ?? 1;
        state.WriteStatus(ApiResources.ReplicaSets, live, status);
    }

    private static int DeletionCost(JsonObject pod) =>
        int.TryParse(KubeJson.Str(pod, "metadata", "annotations", "controller.kubernetes.io/pod-deletion-cost"), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var cost) ? cost : 0;

    private static int Rank(JsonObject pod) =>
        (KubeJson.Str(pod, "spec", "nodeName") is null ? 0 : 10) + (KubeJson.Str(pod, "status", "phase") == "Pending" ? 0 : 5) + (DisruptionMath.IsReady(pod) ? 2 : 0);

    /// <summary>Adds a count unless zero (the omitempty fields).</summary>
    public static void AddNonZero(JsonObject o, string key, long value)
    {
        if (value != 0)
        {
            o[key] = value;
        }
    }

    /// <summary>An integer as a string.</summary>
    public static string Text(long n) => n.ToString(CultureInfo.InvariantCulture);
}

using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Api;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Controllers;

/// <summary>Binds every pending pod to the one node: <c>spec.nodeName</c> and the PodScheduled condition in one write, a Scheduled Event, then the kubelet starts it.</summary>
/// <param name="state">The cluster.</param>
/// <param name="events">The event recorder.</param>
/// <param name="options">The node name and scheduling delay.</param>
public sealed class PodScheduler(ClusterState state, EventRecorder events, FakeKubernetesOptions options)
{
    /// <summary>One pass; returns the pods bound (for the kubelet).</summary>
    public List<JsonObject> Sync()
    {
        var bound = new List<JsonObject>();
        foreach (var pod in state.Store.List(ApiResources.Pods, null))
        {
            if (KubeJson.Str(pod, "spec", "nodeName") is not null || Owners.IsDeleting(pod) || KubeJson.Str(pod, "spec", "schedulerName") is not ("default-scheduler" or null))
            {
                continue;
            }

            if (DateTimeOffset.TryParse(KubeJson.Str(pod, "metadata", "creationTimestamp"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var created)
                && KubeClock.Now - created < options.SchedulingDelay - TimeSpan.FromSeconds(1))
            {
                continue;
            }

            var next = KubeJson.CloneObject(pod);
            next["spec"]!["nodeName"] = options.NodeName;
            var status = KubeJson.Obj(next, "status");
            var conditions = status["conditions"] as JsonArray ?? [];
            conditions.Add(new JsonObject { ["type"] = "PodScheduled", ["status"] = "True", ["lastProbeTime"] = null, ["lastTransitionTime"] = KubeJson.Time(KubeClock.Now) });
            status["conditions"] = conditions;
            var updated = state.CommitChange(ApiResources.Pods, pod, next, "kube-scheduler", "Update", "status", null);
            events.Scheduled(updated, options.NodeName);
            bound.Add(updated);
        }

        return bound;
    }
}

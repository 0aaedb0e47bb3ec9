using System.Globalization;
using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Api;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Controllers;

/// <summary>
/// HorizontalPodAutoscaler status as a cluster without a metrics API shows it: every sync period, <c>currentReplicas</c>
/// from the target, <c>desiredReplicas: 0</c>, AbleToScale True and ScalingActive False (FailedGetResourceMetric), and a
/// Warning Event. The fake never scales.
/// </summary>
/// <param name="state">The cluster.</param>
/// <param name="events">The event recorder.</param>
/// <param name="options">The sync period.</param>
public sealed class AutoscalerController(ClusterState state, EventRecorder events, FakeKubernetesOptions options)
{
    private readonly Dictionary<string, DateTimeOffset> _lastSync = [];

    /// <summary>One pass.</summary>
    public void Sync()
    {
        foreach (var hpa in state.Store.List(ApiResources.HorizontalPodAutoscalers, null))
        {
            var uid = KubeJson.Str(hpa, "metadata", "uid")!;
            var created = DateTimeOffset.Parse(KubeJson.Str(hpa, "metadata", "creationTimestamp")!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
            var last = _lastSync.GetValueOrDefault(uid, created);
            if (KubeClock.Now - last < options.HpaSyncPeriod)
            {
                continue;
            }

            _lastSync[uid] = KubeClock.Now;
            var ns = KubeJson.Str(hpa, "metadata", "namespace")!;
            var targetKind = KubeJson.Str(hpa, "spec", "scaleTargetRef", "kind");
            var targetName = KubeJson.Str(hpa, "spec", "scaleTargetRef", "name") ?? string.Empty;
            var target = targetKind == "ReplicaSet" ? state.Store.Get(ApiResources.ReplicaSets, ns, targetName) : state.Store.Get(ApiResources.Deployments, ns, targetName);
            var now = KubeJson.Time(KubeClock.Now);
            var old = hpa["status"]?["conditions"] as JsonArray ?? [];
            string Since(string type, string status) =>
                old.OfType<JsonObject>().FirstOrDefault(c => KubeJson.Str(c, "type") == type && KubeJson.Str(c, "status") == status) is { } c ? KubeJson.Str(c, "lastTransitionTime")! : now;
            JsonObject status;
            if (target is null)
            {
                var message = $"the HPA controller was unable to get the target's current scale: deployments/scale.apps \"{targetName}\" not found";
                status = new JsonObject
                {
                    ["currentReplicas"] = 0,
                    ["desiredReplicas"] = 0,
                    ["currentMetrics"] = null,
                    ["conditions"] = new JsonArray(new JsonObject { ["type"] = "AbleToScale", ["status"] = "False", ["lastTransitionTime"] = Since("AbleToScale", "False"), ["reason"] = "FailedGetScale", ["message"] = message }),
                };
                events.Record(hpa, "Warning", "FailedGetScale", $"deployments/scale.apps \"{targetName}\" not found", "horizontal-pod-autoscaler");
            }
            else
            {
                var metric = KubeJson.Str(hpa["spec"]?["metrics"]?[0], "resource", "name") ?? "cpu";
                var message = $"the HPA was unable to compute the replica count: failed to get {metric} utilization: unable to get metrics for resource {metric}: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)";
                status = new JsonObject
                {
                    ["currentReplicas"] = KubeJson.Long(target, "status", "replicas") ?? 0,
                    ["desiredReplicas"] = 0,
                    ["currentMetrics"] = null,
                    ["conditions"] = new JsonArray(
                        new JsonObject { ["type"] = "AbleToScale", ["status"] = "True", ["lastTransitionTime"] = Since("AbleToScale", "True"), ["reason"] = "SucceededGetScale", ["message"] = "the HPA controller was able to get the target's current scale" },
                        new JsonObject { ["type"] = "ScalingActive", ["status"] = "False", ["lastTransitionTime"] = Since("ScalingActive", "False"), ["reason"] = "FailedGetResourceMetric", ["message"] = message }),
                };
                events.Record(hpa, "Warning", "FailedGetResourceMetric", $"failed to get {metric} utilization: unable to get metrics for resource {metric}: unable to fetch metrics from resource metrics API: the server could not find the requested resource (get pods.metrics.k8s.io)", "horizontal-pod-autoscaler");
            }

            state.WriteStatus(ApiResources.HorizontalPodAutoscalers, state.Store.Get(ApiResources.HorizontalPodAutoscalers, ns, KubeJson.Str(hpa, "metadata", "name")!)!, status);
        }
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Api;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Controllers;

/// <summary>
/// The Deployment controller: one ReplicaSet per template (<c>NAME-HASH</c>), rolling updates honouring maxSurge and
/// maxUnavailable against available (ready) pods, Recreate, old ReplicaSets kept at 0 up to revisionHistoryLimit,
/// revision annotations, and the status with the recorded key order, omitted zero counts and condition reasons.
/// </summary>
/// <param name="state">The cluster.</param>
/// <param name="events">The event recorder.</param>
/// <param name="options">Timings.</param>
public sealed class DeploymentController(ClusterState state, EventRecorder events, FakeKubernetesOptions options)
{
    private const string RevisionAnnotation = "deployment.kubernetes.io/revision";

    /// <summary>One pass.</summary>
    public void Sync()
    {
        foreach (var d in state.Store.List(ApiResources.Deployments, null))
        {
            if (!Owners.IsDeleting(d))
            {
                SyncOne(d);
            }
        }
    }

    private void SyncOne(JsonObject d)
    {
        var ns = KubeJson.Str(d, "metadata", "namespace")!;
        var name = KubeJson.Str(d, "metadata", "name")!;
        var uid = KubeJson.Str(d, "metadata", "uid");
        var desired = (int)(KubeJson.Long(d, "spec", "replicas") ?? 1);
        var template = (JsonObject)d["spec"]!["template"]!.DeepClone();
        var hash = TemplateHash.Compute(template, KubeJson.Long(d, "status", "collisionCount") ?? 0);
        var recreate = KubeJson.Str(d, "spec", "strategy", "type") == "Recreate";
        var maxSurge = recreate ? 0 : DisruptionMath.Resolve(d["spec"]?["strategy"]?["rollingUpdate"]?["maxSurge"] ?? "25%", desired, roundUp: true);
        var maxUnavailable = recreate ? 0 : DisruptionMath.Resolve(d["spec"]?["strategy"]?["rollingUpdate"]?["maxUnavailable"] ?? "25%", desired, roundUp: false);
        if (!recreate && maxSurge == 0 && maxUnavailable == 0)
        {
            maxUnavailable = 1;
        }

        var all = Owned(ns, uid);
        var newRs = all.FirstOrDefault(rs => KubeJson.Str(rs, "metadata", "labels", "pod-template-hash") == hash);
        var olds = all.Where(rs => rs != newRs).OrderBy(Revision).ToList();
        var createdName = (string?)null;
        if (newRs is null)
        {
            var activeOld = olds.Sum(rs => KubeJson.Long(rs, "spec", "replicas") ?? 0);
            int initial;
            if (recreate)
            {
                initial = activeOld > 0 ? 0 : desired;
            }
            else if (activeOld == 0)
            {
                initial = desired;
            }
            else
            {
                initial = (int)Math.Clamp(desired + maxSurge - activeOld, 0, desired);
            }

            var revision = olds.Count == 0 ? 1 : olds.Max(Revision) + 1;
            createdName = $"{name}-{hash}";
            var labels = KubeJson.StringMap(template["metadata"]?["labels"]);
            labels["pod-template-hash"] = hash;
            var rsTemplate = (JsonObject)template.DeepClone();
            ((JsonObject)rsTemplate["metadata"]!)["labels"] = KubeJson.SortedMap(labels);
            var selector = (JsonObject)d["spec"]!["selector"]!.DeepClone();
            KubeJson.Obj(selector, "matchLabels")["pod-template-hash"] = hash;
            var rs = new JsonObject
            {
                ["kind"] = "ReplicaSet",
                ["apiVersion"] = "apps/v1",
                ["metadata"] = new JsonObject
                {
                    ["name"] = createdName,
                    ["namespace"] = ns,
                    ["labels"] = KubeJson.SortedMap(labels),
                    ["annotations"] = Annotations(desired, maxSurge, revision),
                    ["ownerReferences"] = Owners.ControllerRef(d),
                },
                ["spec"] = new JsonObject { ["replicas"] = initial, ["selector"] = selector, ["template"] = rsTemplate },
            };
            try
            {
                newRs = state.Create(ApiResources.ReplicaSets, ns, rs, "kube-controller-manager");
            }
            catch (ApiException)
            {
                return;
            }

            if (initial > 0)
            {
                events.Record(d, "Normal", "ScalingReplicaSet", $"Scaled up replica set {createdName} to {initial}", "deployment-controller");
            }

            // As the real controller does when it creates the ReplicaSet: a status write that only sets the condition
            // (counts and observedGeneration still the old ones, recorded in 03c).
            var live = state.Store.Get(ApiResources.Deployments, ns, name)!;
            var conditionOnly = (live["status"] as JsonObject)?.DeepClone() as JsonObject ?? [];
            var conditions = conditionOnly["conditions"] as JsonArray ?? [];
            SetCondition(conditions, "Progressing", "True", "NewReplicaSetCreated", $"Created new replica set \"{createdName}\"", KubeJson.Time(KubeClock.Now), keepSame: false);
            conditionOnly["conditions"] = conditions;
            state.WriteStatus(ApiResources.Deployments, live, conditionOnly);
        }
        else if (recreate)
        {
            foreach (var old in olds)
            {
                Scale(d, old, 0, desired, maxSurge);
            }

            if (olds.All(o => ReplicaSetController.ActivePods(state, o).Count == 0))
            {
                newRs = Scale(d, newRs, desired, desired, maxSurge);
            }
        }
        else
        {
            var total = all.Sum(rs => KubeJson.Long(rs, "spec", "replicas") ?? 0);
            var newSpec = KubeJson.Long(newRs, "spec", "replicas") ?? 0;
            if (olds.All(o => (KubeJson.Long(o, "spec", "replicas") ?? 0) == 0))
            {
                newRs = Scale(d, newRs, desired, desired, maxSurge);
            }
            else if (newSpec < desired && total < desired + maxSurge)
            {
                newRs = Scale(d, newRs, (int)Math.Min(desired, newSpec + (desired + maxSurge - total)), desired, maxSurge);
            }
            else if (newSpec > desired)
            {
                newRs = Scale(d, newRs, desired, desired, maxSurge);
            }

            all = Owned(ns, uid);
            total = all.Sum(rs => KubeJson.Long(rs, "spec", "replicas") ?? 0);
            var newAvailable = KubeJson.Long(newRs, "status", "availableReplicas") ?? 0;
            var newUnavailable = Math.Max(0, (KubeJson.Long(newRs, "spec", "replicas") ?? 0) - newAvailable);
            var minAvailable = desired - maxUnavailable;
            var maxScaledDown = total - minAvailable - newUnavailable;
            if (maxScaledDown > 0)
            {
                foreach (var old in olds.ToList())
                {
                    var oldSpec = KubeJson.Long(old, "spec", "replicas") ?? 0;
                    var unhealthy = oldSpec - (KubeJson.Long(old, "status", "availableReplicas") ?? 0);
                    if (maxScaledDown <= 0 || unhealthy <= 0 || oldSpec == 0)
                    {
                        continue;
                    }

                    var down = Math.Min(unhealthy, maxScaledDown);
                    Scale(d, old, (int)(oldSpec - down), desired, maxSurge);
                    maxScaledDown -= down;
                }

                all = Owned(ns, uid);
                var scaleDown = all.Sum(rs => KubeJson.Long(rs, "status", "availableReplicas") ?? 0) - minAvailable;
                foreach (var old in all.Where(rs => KubeJson.Str(rs, "metadata", "name") != KubeJson.Str(newRs, "metadata", "name")).OrderBy(Revision))
                {
                    var oldSpec = KubeJson.Long(old, "spec", "replicas") ?? 0;
                    if (scaleDown <= 0 || oldSpec == 0)
                    {
                        continue;
                    }

                    var down = Math.Min(oldSpec, scaleDown);
                    Scale(d, old, (int)(oldSpec - down), desired, maxSurge);
                    scaleDown -= down;
                }
            }
        }

        Cleanup(d, ns, uid, newRs!);
        WriteRevision(d, newRs!);
        WriteStatus(ns, name, createdName, desired, maxUnavailable);
    }

    private List<JsonObject> Owned(string ns, string? uid) => [.. state.Store.List(ApiResources.ReplicaSets, ns).Where(rs => Owners.IsOwnedBy(rs, uid))];

    private static long Revision(JsonObject rs) =>
        long.TryParse(KubeJson.Str(rs, "metadata", "annotations", RevisionAnnotation), NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) ? r : 0;

    private static JsonObject Annotations(int desired, int maxSurge, long revision) => new()
    {
        ["deployment.kubernetes.io/desired-replicas"] = ReplicaSetController.Text(desired),
        ["deployment.kubernetes.io/max-replicas"] = ReplicaSetController.Text(desired + maxSurge),
        [RevisionAnnotation] = ReplicaSetController.Text(revision),
    };

    private JsonObject Scale(JsonObject d, JsonObject rs, int replicas, int desired, int maxSurge)
    {
        var current = KubeJson.Long(rs, "spec", "replicas") ?? 0;
        var next = KubeJson.CloneObject(rs);
        next["spec"]!["replicas"] = replicas;
        var annotations = KubeJson.Obj(KubeJson.Obj(next, "metadata"), "annotations");
        var isNew = replicas > current || Revision(rs) == Owned(KubeJson.Str(rs, "metadata", "namespace")!, KubeJson.Str(d, "metadata", "uid")).Max(Revision);
        if (isNew)
        {
            annotations["deployment.kubernetes.io/desired-replicas"] = ReplicaSetController.Text(desired);
            annotations["deployment.kubernetes.io/max-replicas"] = ReplicaSetController.Text(desired + maxSurge);
        }

        if (current == replicas && KubeJson.Same(rs["metadata"]?["annotations"], annotations))
        {
            return rs;
        }

        var updated = state.CommitChange(ApiResources.ReplicaSets, rs, next, "kube-controller-manager", "Update", null, null);
        if (current != replicas)
        {
            var verb = replicas > current ? "up" : "down";
            events.Record(d, "Normal", "ScalingReplicaSet", $"Scaled {verb} replica set {KubeJson.Str(rs, "metadata", "name")} to {replicas} from {current}", "deployment-controller");
        }

        return updated;
    }

    private void Cleanup(JsonObject d, string ns, string? uid, JsonObject newRs)
    {
        var limit = KubeJson.Long(d, "spec", "revisionHistoryLimit") ?? 10;
        var idle = Owned(ns, uid).Where(rs => KubeJson.Str(rs, "metadata", "name") != KubeJson.Str(newRs, "metadata", "name")
            && (KubeJson.Long(rs, "spec", "replicas") ?? 0) == 0 && (KubeJson.Long(rs, "status", "replicas") ?? 0) == 0).OrderBy(Revision).ToList();
        foreach (var rs in idle.Take(Math.Max(0, idle.Count - (int)limit)))
        {
            state.Delete(ApiResources.ReplicaSets, ns, KubeJson.Str(rs, "metadata", "name")!, null, null);
        }
    }

    private void WriteRevision(JsonObject d, JsonObject newRs)
    {
        var live = state.Store.Get(ApiResources.Deployments, KubeJson.Str(d, "metadata", "namespace")!, KubeJson.Str(d, "metadata", "name")!)!;
        var revision = KubeJson.Str(newRs, "metadata", "annotations", RevisionAnnotation);
        if (revision is null || KubeJson.Str(live, "metadata", "annotations", RevisionAnnotation) == revision)
        {
            return;
        }

        var next = KubeJson.CloneObject(live);
        var annotations = KubeJson.Obj(KubeJson.Obj(next, "metadata"), "annotations");
        annotations[RevisionAnnotation] = revision;
        KubeJson.Reorder(annotations, [.. annotations.Select(p => p.Key).Order(StringComparer.Ordinal)]);
        state.CommitChange(ApiResources.Deployments, live, next, "kube-controller-manager", "Update", null, null);
    }

    private void WriteStatus(string ns, string name, string? createdName, int desired, int maxUnavailable)
    {
        var d = state.Store.Get(ApiResources.Deployments, ns, name)!;
        var uid = KubeJson.Str(d, "metadata", "uid");
        var all = Owned(ns, uid);
        var hash = TemplateHash.Compute(d["spec"]!["template"]!.DeepClone(), KubeJson.Long(d, "status", "collisionCount") ?? 0);
        var newRs = all.FirstOrDefault(rs => KubeJson.Str(rs, "metadata", "labels", "pod-template-hash") == hash);
        var newName = KubeJson.Str(newRs, "metadata", "name") ?? name;
        long Sum(string field) => all.Sum(rs => KubeJson.Long(rs, "status", field) ?? 0);
        var replicas = Sum("replicas");
        var updated = KubeJson.Long(newRs, "status", "replicas") ?? 0;
        var ready = Sum("readyReplicas");
        var available = Sum("availableReplicas");
        var totalSpec = all.Sum(rs => KubeJson.Long(rs, "spec", "replicas") ?? 0);
        var unavailable = Math.Max(0, totalSpec - available);
        var generation = KubeJson.Long(d, "metadata", "generation") ?? 1;
        var old = d["status"] as JsonObject ?? [];
        var status = new JsonObject { ["observedGeneration"] = generation };
        ReplicaSetController.AddNonZero(status, "replicas", replicas);
        ReplicaSetController.AddNonZero(status, "updatedReplicas", updated);
        ReplicaSetController.AddNonZero(status, "readyReplicas", ready);
        ReplicaSetController.AddNonZero(status, "availableReplicas", available);
        ReplicaSetController.AddNonZero(status, "unavailableReplicas", unavailable);
        var conditions = (old["conditions"] as JsonArray)?.DeepClone() as JsonArray ?? [];
        var now = KubeJson.Time(KubeClock.Now);
        if (available >= desired - maxUnavailable)
        {
            SetCondition(conditions, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.", now, keepSame: true);
        }
        else
        {
            SetCondition(conditions, "Available", "False", "MinimumReplicasUnavailable", "Deployment does not have minimum availability.", now, keepSame: true);
        }

        if (createdName is null)
        {
            var complete = updated == desired && replicas == desired && available == desired && totalSpec == desired;
            var progressing = updated > (KubeJson.Long(old, "updatedReplicas") ?? 0) || replicas < (KubeJson.Long(old, "replicas") ?? 0)
                || ready > (KubeJson.Long(old, "readyReplicas") ?? 0) || available > (KubeJson.Long(old, "availableReplicas") ?? 0);
            var current = conditions.OfType<JsonObject>().FirstOrDefault(c => KubeJson.Str(c, "type") == "Progressing");
            if (complete)
            {
                SetCondition(conditions, "Progressing", "True", "NewReplicaSetAvailable", $"ReplicaSet \"{newName}\" has successfully progressed.", now, keepSame: true);
            }
            else if (progressing)
            {
                SetCondition(conditions, "Progressing", "True", "ReplicaSetUpdated", $"ReplicaSet \"{newName}\" is progressing.", now, keepSame: false);
            }
            else if (current is not null && KubeJson.Str(current, "reason") is "ReplicaSetUpdated" or "NewReplicaSetCreated"
                && DateTimeOffset.TryParse(KubeJson.Str(current, "lastUpdateTime"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var last)
                && KubeClock.Now > last.AddSeconds((KubeJson.Long(d, "spec", "progressDeadlineSeconds") ?? 600) * options.ProgressDeadlineScale))
            {
                SetCondition(conditions, "Progressing", "False", "ProgressDeadlineExceeded", $"ReplicaSet \"{newName}\" has timed out progressing.", now, keepSame: true);
                events.Record(d, "Warning", "ProgressDeadlineExceeded", $"ReplicaSet \"{newName}\" has timed out progressing.", "deployment-controller");
            }
        }

        if (conditions.Count > 0)
        {
            status["conditions"] = conditions;
        }

        if (old["collisionCount"] is { } cc)
        {
            status["collisionCount"] = cc.DeepClone();
        }

        state.WriteStatus(ApiResources.Deployments, d, status);
    }

    private static void SetCondition(JsonArray conditions, string type, string status, string reason, string message, string now, bool keepSame)
    {
        var current = conditions.OfType<JsonObject>().FirstOrDefault(c => KubeJson.Str(c, "type") == type);
        if (current is not null && keepSame && KubeJson.Str(current, "status") == status && KubeJson.Str(current, "reason") == reason)
        {
            return;
        }

        var transition = current is not null && KubeJson.Str(current, "status") == status ? KubeJson.Str(current, "lastTransitionTime") : now;
        if (current is not null)
        {
            conditions.Remove(current);
        }

        conditions.Add(new JsonObject
        {
            ["type"] = type,
            ["status"] = status,
            ["lastUpdateTime"] = now,
            ["lastTransitionTime"] = transition,
            ["reason"] = reason,
            ["message"] = message,
        });
    }
}

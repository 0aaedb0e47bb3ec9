using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Api;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Validation;

/// <summary>The immutability rules of updates that code could trip over: pod specs, Deployment/ReplicaSet selectors, Service clusterIP, immutable Secrets.</summary>
public static class UpdateValidator
{
    private const string PodSpecForbidden = "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

    /// <summary>Throws 422 when <paramref name="next"/> changes what may not change (main resource writes only).</summary>
    public static void Validate(ApiResource r, JsonObject live, JsonObject next)
    {
        var name = KubeJson.Str(live, "metadata", "name");
        var causes = new List<FieldCause>();
        switch (r.Kind)
        {
            case "Pod":
                var before = live["spec"]?.DeepClone() as JsonObject ?? [];
                var after = next["spec"]?.DeepClone() as JsonObject ?? [];
                var oldContainers = before["containers"] as JsonArray ?? [];
                var newContainers = after["containers"] as JsonArray ?? [];
                for (var i = 0; i < Math.Min(oldContainers.Count, newContainers.Count); i++)
                {
                    if (oldContainers[i] is JsonObject oc && newContainers[i] is JsonObject nc)
                    {
                        nc["image"] = oc["image"]?.DeepClone();
                    }
                }

                after["activeDeadlineSeconds"] = before["activeDeadlineSeconds"]?.DeepClone();
                var oldTolerations = (before["tolerations"] as JsonArray ?? []).Select(t => t?.ToJsonString()).ToList();
                var newTolerations = (after["tolerations"] as JsonArray ?? []).Select(t => t?.ToJsonString()).ToList();
                if (oldTolerations.All(newTolerations.Contains))
                {
                    after["tolerations"] = before["tolerations"]?.DeepClone();
                }

                if (!KubeJson.Same(Compact(before), Compact(after)))
                {
                    causes.Add(new FieldCause("FieldValueForbidden", PodSpecForbidden, "spec"));
                }

                break;
            case "Deployment":
            case "ReplicaSet":
                if (!KubeJson.Same(live["spec"]?["selector"], next["spec"]?["selector"]))
                {
                    causes.Add(new FieldCause("FieldValueInvalid", $"Invalid value: {Render(next["spec"]?["selector"])}: field is immutable", "spec.selector"));
                }

                break;
            case "Service":
                var oldIp = KubeJson.Str(live, "spec", "clusterIP");
                var newIp = KubeJson.Str(next, "spec", "clusterIP");
                if (oldIp is not null && newIp is not null && oldIp != newIp)
                {
                    causes.Add(new FieldCause("FieldValueInvalid", $"Invalid value: {KubeJson.Quote(newIp)}: field is immutable", "spec.clusterIPs[0]"));
                }

                break;
            case "Secret" or "ConfigMap" when live["immutable"] is JsonValue iv && iv.TryGetValue<bool>(out var immutable) && immutable:
                if (!KubeJson.Same(live["data"], next["data"]))
                {
                    causes.Add(new FieldCause("FieldValueForbidden", "Forbidden: field is immutable when `immutable` is set", "data"));
                }

                break;
        }

        if (causes.Count > 0)
        {
            throw Statuses.Invalid(r.QualifiedKind, r.Group, r.Kind, name, causes);
        }
    }

    private static JsonObject Compact(JsonObject o)
    {
        foreach (var (k, v) in o.ToList())
        {
            if (v is null)
            {
                o.Remove(k);
            }
        }

        return o;
    }

    private static string Render(JsonNode? selector) => selector is null ? "null" : "v1.LabelSelector" + selector.ToJsonString();
}

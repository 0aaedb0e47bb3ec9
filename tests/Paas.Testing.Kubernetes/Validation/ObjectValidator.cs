using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Api;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Validation;

/// <summary>The semantic checks behind 422 Invalid (a subset of the API server's validation, the parts the recordings show and the platform can trip).</summary>
public static class ObjectValidator
{
    /// <summary>Validates a stored-shape object; throws 422 when invalid.</summary>
    public static void Validate(ApiResource resource, JsonObject obj)
    {
        var causes = new List<FieldCause>();
        var name = KubeJson.Str(obj, "metadata", "name") ?? string.Empty;
        if (name.Length == 0)
        {
            causes.Add(new FieldCause("FieldValueRequired", "Required value: name or generateName is required", "metadata.name"));
        }
        else
        {
            causes.AddRange(NameRules.ObjectName(resource.Kind, name));
        }

        causes.AddRange(NameRules.Labels(KubeJson.Labels(obj), "metadata.labels"));
        switch (resource.Kind)
        {
            case "Deployment":
            case "ReplicaSet":
                Workload(obj, causes);
                break;
            case "Pod":
                PodSpec(obj["spec"] as JsonObject, "spec", causes);
                break;
            case "Service":
                if ((obj["spec"]?["ports"] as JsonArray ?? []).Count == 0 && KubeJson.Str(obj, "spec", "clusterIP") != "None" && KubeJson.Str(obj, "spec", "type") != "ExternalName")
                {
                    causes.Add(new FieldCause("FieldValueRequired", "Required value", "spec.ports"));
                }

                break;
            case "HorizontalPodAutoscaler":
                var min = KubeJson.Long(obj, "spec", "minReplicas");
                var max = KubeJson.Long(obj, "spec", "maxReplicas") ?? 0;
                if (min is < 1)
                {
                    causes.Add(new FieldCause("FieldValueInvalid", $"Invalid value: {min}: must be greater than or equal to 1", "spec.minReplicas"));
                }

                if (max < 1)
                {
                    causes.Add(new FieldCause("FieldValueInvalid", $"Invalid value: {max}: must be greater than or equal to 1", "spec.maxReplicas"));
                }
                else if (min is { } m && max < m)
                {
                    causes.Add(new FieldCause("FieldValueInvalid", $"Invalid value: {max}: must be greater than or equal to `minReplicas`", "spec.maxReplicas"));
                }

                break;
        }

        if (causes.Count > 0)
        {
            throw Statuses.Invalid(resource.QualifiedKind, resource.Group, resource.Kind, name, causes);
        }
    }

    private static void Workload(JsonObject obj, List<FieldCause> causes)
    {
        var spec = obj["spec"] as JsonObject ?? [];
        if (KubeJson.Long(spec, "replicas") is < 0 and var r)
        {
            causes.Add(new FieldCause("FieldValueInvalid", $"Invalid value: {r}: must be greater than or equal to 0", "spec.replicas"));
        }

        if (KubeJson.Long(spec, "revisionHistoryLimit") is < 0 and var h)
        {
            causes.Add(new FieldCause("FieldValueInvalid", $"Invalid value: {h}: must be greater than or equal to 0", "spec.revisionHistoryLimit"));
        }

        var templateLabels = KubeJson.StringMap(spec["template"]?["metadata"]?["labels"]);
        causes.AddRange(NameRules.Labels(templateLabels, "spec.template.labels"));
        var selector = spec["selector"] as JsonObject;
        if (selector is null)
        {
            causes.Add(new FieldCause("FieldValueRequired", "Required value", "spec.selector"));
        }
        else
        {
            var matchLabels = KubeJson.StringMap(selector["matchLabels"]);
            if (matchLabels.Count == 0 && (selector["matchExpressions"] as JsonArray ?? []).Count == 0)
            {
                causes.Add(new FieldCause("FieldValueInvalid", "Invalid value: \"null\": empty selector is invalid for deployment", "spec.selector"));
            }
            else if (!Selection.LabelSelector.FromObject(selector).Matches(templateLabels))
            {
                var rendered = "map[string]string{" + string.Join(", ", templateLabels.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{KubeJson.Quote(p.Key)}:{KubeJson.Quote(p.Value)}")) + "}";
                causes.Add(new FieldCause("FieldValueInvalid", $"Invalid value: {rendered}: `selector` does not match template `labels`", "spec.template.metadata.labels"));
            }
        }

        PodSpec(spec["template"]?["spec"] as JsonObject, "spec.template.spec", causes);
    }

    private static void PodSpec(JsonObject? spec, string path, List<FieldCause> causes)
    {
        var containers = spec?["containers"] as JsonArray ?? [];
        if (containers.Count == 0)
        {
            causes.Add(new FieldCause("FieldValueRequired", "Required value", $"{path}.containers"));
        }

        for (var i = 0; i < containers.Count; i++)
        {
            var c = containers[i] as JsonObject ?? [];
            var name = KubeJson.Str(c, "name");
            if (string.IsNullOrEmpty(name))
            {
                causes.Add(new FieldCause("FieldValueRequired", "Required value", $"{path}.containers[{i}].name"));
            }
            else if (!NameRules.IsDns1123Label(name))
            {
                causes.Add(NameRules.Invalid($"{path}.containers[{i}].name", name, "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"));
            }

            if (string.IsNullOrWhiteSpace(KubeJson.Str(c, "image")))
            {
                causes.Add(new FieldCause("FieldValueRequired", "Required value", $"{path}.containers[{i}].image"));
            }
        }

        var policy = KubeJson.Str(spec, "restartPolicy");
        if (policy is not null and not ("Always" or "OnFailure" or "Never"))
        {
            causes.Add(new FieldCause("FieldValueNotSupported", $"Unsupported value: {KubeJson.Quote(policy)}: supported values: \"Always\", \"OnFailure\", \"Never\"", $"{path}.restartPolicy"));
        }
    }
}

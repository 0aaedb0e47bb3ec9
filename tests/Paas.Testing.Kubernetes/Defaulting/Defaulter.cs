using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Api;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Defaulting;

/// <summary>Per-kind defaulting as the recordings show. Idempotent: only missing fields are filled.</summary>
/// <param name="nodeName">The one node's name (unused here; kept for pod defaults that name it).</param>
public sealed class Defaulter(string nodeName)
{
    private int _nextClusterIp = 10;

    /// <summary>The node name.</summary>
    public string NodeName => nodeName;

    /// <summary>Fills defaults in <paramref name="obj"/> (stored shape, status included).</summary>
    /// <param name="resource">The resource.</param>
    /// <param name="obj">The object.</param>
    /// <param name="creating">Whether it is being created (allocations and initial status happen then).</param>
    public void Apply(ApiResource resource, JsonObject obj, bool creating)
    {
        var meta = KubeJson.Obj(obj, "metadata");
        switch (resource.Kind)
        {
            case "Deployment":
                Deployment(obj);
                if (creating)
                {
                    obj["status"] = new JsonObject();
                }

                break;
            case "ReplicaSet":
                var rsSpec = KubeJson.Obj(obj, "spec");
                rsSpec["replicas"] ??= 1;
                Template(rsSpec);
                if (creating)
                {
                    obj["status"] ??= new JsonObject { ["replicas"] = 0 };
                }

                break;
            case "Pod":
                Pod(obj, creating);
                break;
            case "Service":
                Service(obj, creating);
                break;
            case "Namespace":
                var labels = KubeJson.Obj(meta, "labels");
                labels["kubernetes.io/metadata.name"] = KubeJson.Str(meta, "name");
                KubeJson.Obj(obj, "spec")["finalizers"] ??= new JsonArray("kubernetes");
                if (creating)
                {
                    obj["status"] = new JsonObject { ["phase"] = "Active" };
                }

                break;
            case "Secret":
                Secret(obj);
                break;
            case "HorizontalPodAutoscaler":
                if (creating)
                {
                    obj["status"] = new JsonObject { ["desiredReplicas"] = 0, ["currentMetrics"] = null };
                }

                break;
            case "NetworkPolicy":
                NetworkPolicy(obj);
                break;
            case "PodDisruptionBudget":
                if (creating)
                {
                    obj["status"] = new JsonObject { ["disruptionsAllowed"] = 0, ["currentHealthy"] = 0, ["desiredHealthy"] = 0, ["expectedPods"] = 0 };
                }

                break;
        }
    }

    /// <summary>
    /// As <c>pkg/apis/networking/v1/defaults.go</c>: a port without a protocol is TCP; a policy without policyTypes gets
    /// <c>Ingress</c>, plus <c>Egress</c> when it has egress rules.
    /// </summary>
    private static void NetworkPolicy(JsonObject obj)
    {
        var spec = KubeJson.Obj(obj, "spec");
        foreach (var (rules, _) in new[] { ("ingress", "from"), ("egress", "to") })
        {
            foreach (var rule in (spec[rules] as JsonArray ?? []).OfType<JsonObject>())
            {
                foreach (var port in (rule["ports"] as JsonArray ?? []).OfType<JsonObject>())
                {
                    port["protocol"] ??= "TCP";
                }
            }
        }

        if (spec["policyTypes"] is not JsonArray { Count: > 0 })
        {
            spec["policyTypes"] = spec["egress"] is JsonArray { Count: > 0 } ? new JsonArray("Ingress", "Egress") : new JsonArray("Ingress");
        }
    }

    private static void Deployment(JsonObject obj)
    {
        var spec = KubeJson.Obj(obj, "spec");
        spec["replicas"] ??= 1;
        Template(spec);
        var strategy = KubeJson.Obj(spec, "strategy");
        strategy["type"] ??= "RollingUpdate";
        if (KubeJson.Str(strategy, "type") == "RollingUpdate")
        {
            var ru = KubeJson.Obj(strategy, "rollingUpdate");
            ru["maxUnavailable"] ??= "25%";
            ru["maxSurge"] ??= "25%";
        }

        spec["revisionHistoryLimit"] ??= 10;
        spec["progressDeadlineSeconds"] ??= 600;
    }

    private static void Template(JsonObject spec)
    {
        var template = KubeJson.Obj(spec, "template");
        var tmeta = KubeJson.Obj(template, "metadata");
        if (!tmeta.ContainsKey("creationTimestamp"))
        {
            tmeta["creationTimestamp"] = null;
        }

        PodSpecDefaults.Apply(KubeJson.Obj(template, "spec"));
    }

    private void Pod(JsonObject obj, bool creating)
    {
        var spec = KubeJson.Obj(obj, "spec");
        PodSpecDefaults.Apply(spec);
        if (!creating)
        {
            return;
        }

        var volumeName = "kube-api-access-" + RandomSuffix(5);
        var volumes = spec["volumes"] as JsonArray ?? [];
        volumes.Add(JsonNode.Parse("{\"name\":\"" + volumeName + "\",\"projected\":{\"sources\":[{\"serviceAccountToken\":{\"expirationSeconds\":3607,\"path\":\"token\"}},{\"configMap\":{\"name\":\"kube-root-ca.crt\",\"items\":[{\"key\":\"ca.crt\",\"path\":\"ca.crt\"}]}},{\"downwardAPI\":{\"items\":[{\"path\":\"namespace\",\"fieldRef\":{\"apiVersion\":\"v1\",\"fieldPath\":\"metadata.namespace\"}}]}}],\"defaultMode\":420}}"));
        spec["volumes"] = volumes;
        foreach (var c in (spec["containers"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (c["resources"]?["limits"] is JsonObject limits)
            {
                var requests = KubeJson.Obj((JsonObject)c["resources"]!, "requests");
                foreach (var (k, v) in limits)
                {
                    requests[k] ??= v?.DeepClone();
                }
            }

            c["resources"] ??= new JsonObject();
            var mounts = c["volumeMounts"] as JsonArray ?? [];
            mounts.Add(new JsonObject { ["name"] = volumeName, ["readOnly"] = true, ["mountPath"] = "/var/run/secrets/kubernetes.io/serviceaccount" });
            c["volumeMounts"] = mounts;
        }

        spec["serviceAccountName"] ??= "default";
        spec["serviceAccount"] ??= KubeJson.Str(spec, "serviceAccountName");
        var tolerations = spec["tolerations"] as JsonArray ?? [];
        foreach (var key in new[] { "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable" })
        {
            if (!tolerations.OfType<JsonObject>().Any(t => KubeJson.Str(t, "key") == key))
            {
                tolerations.Add(new JsonObject { ["key"] = key, ["operator"] = "Exists", ["effect"] = "NoExecute", ["tolerationSeconds"] = 300 });
            }
        }

        spec["tolerations"] = tolerations;
        spec["priority"] ??= 0;
        spec["enableServiceLinks"] ??= true;
        spec["preemptionPolicy"] ??= "PreemptLowerPriority";
        obj["status"] = new JsonObject { ["phase"] = "Pending", ["qosClass"] = QosClass(spec) };
    }

    /// <summary>The pod's QoS class from its containers' resources.</summary>
    public static string QosClass(JsonObject spec)
    {
        var containers = (spec["containers"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        var any = false;
        var guaranteed = containers.Count > 0;
        foreach (var c in containers)
        {
            var limits = KubeJson.StringMap(c["resources"]?["limits"]);
            var requests = KubeJson.StringMap(c["resources"]?["requests"]);
            any |= limits.Count > 0 || requests.Count > 0;
            guaranteed &= limits.ContainsKey("cpu") && limits.ContainsKey("memory")
                && requests.GetValueOrDefault("cpu") == limits["cpu"] && requests.GetValueOrDefault("memory") == limits["memory"];
        }

        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }

    private void Service(JsonObject obj, bool creating)
    {
        var spec = KubeJson.Obj(obj, "spec");
        foreach (var p in (spec["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            p["protocol"] ??= "TCP";
            p["targetPort"] ??= p["port"]?.DeepClone();
        }

        spec["type"] ??= "ClusterIP";
        if (spec["clusterIP"] is null && KubeJson.Str(spec, "type") != "ExternalName")
        {
            var ip = $"10.96.0.{Interlocked.Increment(ref _nextClusterIp) % 250 + 2}";
            spec["clusterIP"] = ip;
            spec["clusterIPs"] = new JsonArray(ip);
        }
        else if (spec["clusterIPs"] is null && KubeJson.Str(spec, "clusterIP") is { } fixedIp)
        {
            spec["clusterIPs"] = new JsonArray(fixedIp);
        }

        spec["sessionAffinity"] ??= "None";
        if (KubeJson.Str(spec, "clusterIP") != "None" || spec["selector"] is not null)
        {
            spec["ipFamilies"] ??= new JsonArray("IPv4");
            spec["ipFamilyPolicy"] ??= "SingleStack";
        }

        spec["internalTrafficPolicy"] ??= "Cluster";
        if (creating)
        {
            obj["status"] = new JsonObject { ["loadBalancer"] = new JsonObject() };
        }
    }

    private static void Secret(JsonObject obj)
    {
        if (obj["stringData"] is JsonObject stringData)
        {
            var data = KubeJson.Obj(obj, "data");
            foreach (var (k, v) in stringData)
            {
                data[k] = Convert.ToBase64String(Encoding.UTF8.GetBytes(v?.GetValue<string>() ?? string.Empty));
            }

            obj.Remove("stringData");
        }

        obj["type"] ??= "Opaque";
    }

    /// <summary>Random lowercase alphanumerics as Kubernetes generates name suffixes (no vowels, no 0/1/3).</summary>
    public static string RandomSuffix(int length)
    {
        const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";
        var sb = new StringBuilder(length);
        for (var i = 0; i < length; i++)
        {
            sb.Append(Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)]);
        }

        return sb.ToString();
    }
}

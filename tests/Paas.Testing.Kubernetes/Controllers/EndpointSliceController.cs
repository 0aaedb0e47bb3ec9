using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Api;
using Paas.Testing.Kubernetes.Json;
using Paas.Testing.Kubernetes.Selection;

namespace Paas.Testing.Kubernetes.Controllers;

/// <summary>
/// One EndpointSlice per Service with a selector (generateName <c>SERVICE-</c>, owned by the Service, labels plus
/// <c>kubernetes.io/service-name</c> and <c>endpointslice.kubernetes.io/managed-by</c>), ports resolved from targetPort
/// names, endpoints in arrival order with ready/serving/terminating; and the core/v1 Endpoints object.
/// </summary>
/// <param name="state">The cluster.</param>
public sealed class EndpointSliceController(ClusterState state)
{
    /// <summary>One pass.</summary>
    public void Sync()
    {
        foreach (var svc in state.Store.List(ApiResources.Services, null))
        {
            if (svc["spec"]?["selector"] is not JsonObject selectorObject || Owners.IsDeleting(svc))
            {
                continue;
            }

            var ns = KubeJson.Str(svc, "metadata", "namespace")!;
            if (state.Store.Get(ApiResources.Namespaces, string.Empty, ns) is { } n && Owners.IsDeleting(n))
            {
                continue;
            }

            var name = KubeJson.Str(svc, "metadata", "name")!;
            var selector = LabelSelector.FromObject(new JsonObject { ["matchLabels"] = selectorObject.DeepClone() });
            var pods = state.Store.List(ApiResources.Pods, ns).Where(p => selector.Matches(KubeJson.Labels(p)) && KubeJson.Str(p, "status", "podIP") is not null
                && KubeJson.Str(p, "status", "phase") is not ("Succeeded" or "Failed")).ToList();
            var slice = state.Store.List(ApiResources.EndpointSlices, ns).FirstOrDefault(s => KubeJson.Str(s, "metadata", "labels", "kubernetes.io/service-name") == name
                && Owners.IsOwnedBy(s, KubeJson.Str(svc, "metadata", "uid")));
            var endpoints = new JsonArray();
            var previous = (slice?["endpoints"] as JsonArray ?? []).OfType<JsonObject>().Select(e => KubeJson.Str(e, "targetRef", "uid")).ToList();
            foreach (var pod in pods.OrderBy(p => previous.IndexOf(KubeJson.Str(p, "metadata", "uid")) is var i && i >= 0 ? i : int.MaxValue))
            {
                var terminating = Owners.IsDeleting(pod);
                var ready = DisruptionMath.IsReady(pod);
                endpoints.Add(new JsonObject
                {
                    ["addresses"] = new JsonArray(KubeJson.Str(pod, "status", "podIP")),
                    ["conditions"] = new JsonObject { ["ready"] = ready && !terminating, ["serving"] = ready, ["terminating"] = terminating },
                    ["targetRef"] = new JsonObject { ["kind"] = "Pod", ["namespace"] = ns, ["name"] = KubeJson.Str(pod, "metadata", "name"), ["uid"] = KubeJson.Str(pod, "metadata", "uid") },
                    ["nodeName"] = KubeJson.Str(pod, "spec", "nodeName"),
                });
            }

            var ports = Ports(svc, pods);
            var labels = KubeJson.Labels(svc);
            labels["endpointslice.kubernetes.io/managed-by"] = "endpointslice-controller.k8s.io";
            labels["kubernetes.io/service-name"] = name;
            var desired = new JsonObject
            {
                ["kind"] = "EndpointSlice",
                ["apiVersion"] = "discovery.k8s.io/v1",
                ["metadata"] = new JsonObject
                {
                    ["generateName"] = name + "-",
                    ["namespace"] = ns,
                    ["labels"] = KubeJson.SortedMap(labels),
                    ["annotations"] = new JsonObject { ["endpoints.kubernetes.io/last-change-trigger-time"] = KubeJson.Time(KubeClock.Now) },
                    ["ownerReferences"] = Owners.ControllerRef(svc),
                },
                ["addressType"] = "IPv4",
                ["endpoints"] = endpoints.Count == 0 ? null : endpoints,
                ["ports"] = ports,
            };
            if (slice is null)
            {
                state.Create(ApiResources.EndpointSlices, ns, desired, "kube-controller-manager");
            }
            else if (!KubeJson.Same(slice["endpoints"], desired["endpoints"]) || !KubeJson.Same(slice["ports"], desired["ports"]) || !KubeJson.Same(slice["metadata"]?["labels"], desired["metadata"]!["labels"]))
            {
                var next = KubeJson.CloneObject(slice);
                next["endpoints"] = desired["endpoints"]!.DeepClone();
                next["ports"] = desired["ports"]?.DeepClone();
                next["metadata"]!["labels"] = desired["metadata"]!["labels"]!.DeepClone();
                next["metadata"]!["annotations"] = desired["metadata"]!["annotations"]!.DeepClone();
                state.CommitChange(ApiResources.EndpointSlices, slice, next, "kube-controller-manager", "Update", null, null);
            }

            SyncEndpoints(svc, ns, name, pods, ports);
        }
    }

    private static JsonNode? Ports(JsonObject svc, List<JsonObject> pods)
    {
        var result = new JsonArray();
        foreach (var port in (svc["spec"]?["ports"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var target = port["targetPort"];
            long? number = null;
            if (target is JsonValue tv && tv.TryGetValue<string>(out var portName))
            {
                number = pods.SelectMany(p => (p["spec"]?["containers"] as JsonArray ?? []).OfType<JsonObject>())
                    .SelectMany(c => (c["ports"] as JsonArray ?? []).OfType<JsonObject>())
                    .Where(cp => KubeJson.Str(cp, "name") == portName).Select(cp => KubeJson.Long(cp, "containerPort")).FirstOrDefault();
            }
            else
            {
                number = KubeJson.Long(port, "targetPort") ?? KubeJson.Long(port, "port");
            }

            if (number is null)
            {
                continue;
            }

            var p = new JsonObject();
            if (KubeJson.Str(port, "name") is { } n)
            {
                p["name"] = n;
            }

            p["protocol"] = KubeJson.Str(port, "protocol") ?? "TCP";
            p["port"] = number;
            result.Add(p);
        }

        return result.Count == 0 ? null : result;
    }

    private void SyncEndpoints(JsonObject svc, string ns, string name, List<JsonObject> pods, JsonNode? ports)
    {
        var ready = new JsonArray();
        var notReady = new JsonArray();
        foreach (var pod in pods.Where(p => !Owners.IsDeleting(p)).OrderBy(p => KubeJson.Str(p, "status", "podIP"), StringComparer.Ordinal))
        {
            var address = new JsonObject
            {
                ["ip"] = KubeJson.Str(pod, "status", "podIP"),
                ["nodeName"] = KubeJson.Str(pod, "spec", "nodeName"),
                ["targetRef"] = new JsonObject { ["kind"] = "Pod", ["namespace"] = ns, ["name"] = KubeJson.Str(pod, "metadata", "name"), ["uid"] = KubeJson.Str(pod, "metadata", "uid") },
            };
            (DisruptionMath.IsReady(pod) ? ready : notReady).Add(address);
        }

        var subsets = new JsonArray();
        if (ready.Count + notReady.Count > 0 && ports is JsonArray pa)
        {
            var subset = new JsonObject();
            if (ready.Count > 0)
            {
                subset["addresses"] = ready;
            }

            if (notReady.Count > 0)
            {
                subset["notReadyAddresses"] = notReady;
            }

            var corePorts = new JsonArray();
            foreach (var p in pa.OfType<JsonObject>())
            {
                var cp = new JsonObject();
                if (p["name"] is { } n)
                {
                    cp["name"] = n.DeepClone();
                }

                cp["port"] = p["port"]!.DeepClone();
                cp["protocol"] = p["protocol"]!.DeepClone();
                corePorts.Add(cp);
            }

            subset["ports"] = corePorts;
            subsets.Add(subset);
        }

        var existing = state.Store.Get(ApiResources.Endpoints, ns, name);
        var desired = new JsonObject
        {
            ["kind"] = "Endpoints",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
        };
        if (svc["metadata"]?["labels"] is { } svcLabels)
        {
            desired["metadata"]!["labels"] = svcLabels.DeepClone();
        }

        if (subsets.Count > 0)
        {
            desired["subsets"] = subsets;
        }

        if (existing is null)
        {
            state.Create(ApiResources.Endpoints, ns, desired, "kube-controller-manager");
        }
        else if (!KubeJson.Same(existing["subsets"], desired["subsets"]))
        {
            var next = KubeJson.CloneObject(existing);
            if (subsets.Count > 0)
            {
                next["subsets"] = subsets.DeepClone();
            }
            else
            {
                next.Remove("subsets");
            }

            state.CommitChange(ApiResources.Endpoints, existing, next, "kube-controller-manager", "Update", null, null);
        }
    }
}

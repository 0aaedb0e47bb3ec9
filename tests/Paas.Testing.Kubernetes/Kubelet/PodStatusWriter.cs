using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Kubelet;

/// <summary>
/// Derives a pod's status from its kubelet's reports, in the recorded shapes: keys phase, conditions, hostIP, podIP, podIPs,
/// startTime, containerStatuses, qosClass; conditions Initialized, Ready, ContainersReady, PodScheduled; containerStatus keys
/// name, state, lastState, ready, restartCount, image, imageID, containerID, started.
/// </summary>
public static class PodStatusWriter
{
    /// <summary>The new status.</summary>
    /// <param name="pod">The stored pod.</param>
    /// <param name="container">The last container report, or null (only the address is known).</param>
    /// <param name="podIp">The pod's address, or null.</param>
    /// <param name="hostIp">The node's address, or null.</param>
    /// <param name="startTime">When the kubelet took the pod.</param>
    public static JsonObject Compute(JsonObject pod, FakeContainerStatus? container, string? podIp, string? hostIp, DateTimeOffset startTime)
    {
        var old = pod["status"] as JsonObject ?? [];
        var spec = (JsonObject)pod["spec"]!;
        var c = (spec["containers"] as JsonArray ?? []).OfType<JsonObject>().First();
        var containerName = KubeJson.Str(c, "name")!;
        var restartPolicy = KubeJson.Str(spec, "restartPolicy") ?? "Always";
        var deleting = KubeJson.Str(pod, "metadata", "deletionTimestamp") is not null;
        var oldPhase = KubeJson.Str(old, "phase") ?? "Pending";
        var phase = oldPhase;
        if (oldPhase is not ("Succeeded" or "Failed") && container is not null)
        {
            var everRan = container.RestartCount > 0 || container.LastState is not null || oldPhase == "Running";
            phase = container.State switch
            {
                FakeContainerState.Terminated t when deleting => t.ExitCode == 0 ? "Succeeded" : "Failed",
                FakeContainerState.Terminated t when restartPolicy == "Never" => t.ExitCode == 0 ? "Succeeded" : "Failed",
                FakeContainerState.Terminated t when restartPolicy == "OnFailure" && t.ExitCode == 0 => "Succeeded",
                FakeContainerState.Terminated => "Running",
                FakeContainerState.Running => "Running",
                _ => everRan ? "Running" : "Pending",
            };
        }

        var now = KubeJson.Time(KubeClock.Now);
        var oldConditions = (old["conditions"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        JsonObject Condition(string type, bool value, string? reason, string? message)
        {
            var status = value ? "True" : "False";
            var previous = oldConditions.FirstOrDefault(x => KubeJson.Str(x, "type") == type);
            var since = previous is not null && KubeJson.Str(previous, "status") == status ? KubeJson.Str(previous, "lastTransitionTime") : now;
            var o = new JsonObject { ["type"] = type, ["status"] = status, ["lastProbeTime"] = null, ["lastTransitionTime"] = since };
            if (reason is not null)
            {
                o["reason"] = reason;
            }

            if (message is not null)
            {
                o["message"] = message;
            }

            return o;
        }

        var ready = container?.Ready == true && phase == "Running" && !(container.State is FakeContainerState.Terminated);
        var (notReadyReason, notReadyMessage) = phase switch
        {
            "Succeeded" => ("PodCompleted", (string?)null),
            "Failed" => ("PodFailed", null),
            _ => ("ContainersNotReady", $"containers with unready status: [{containerName}]"),
        };
        var conditions = new JsonArray
        {
            Condition("Initialized", true, phase == "Succeeded" ? "PodCompleted" : null, null),
            ready ? Condition("Ready", true, null, null) : Condition("Ready", false, notReadyReason, notReadyMessage),
            ready ? Condition("ContainersReady", true, null, null) : Condition("ContainersReady", false, notReadyReason, notReadyMessage),
            Condition("PodScheduled", true, null, null),
        };
        var status = new JsonObject { ["phase"] = phase, ["conditions"] = conditions };
        if (hostIp is not null)
        {
            status["hostIP"] = hostIp;
        }

        if (podIp is not null)
        {
            status["podIP"] = podIp;
            status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = podIp });
        }

        status["startTime"] = KubeJson.Str(old, "startTime") ?? KubeJson.Time(startTime);
        if (container is not null)
        {
            var cs = new JsonObject
            {
                ["name"] = containerName,
                ["state"] = State(container.State, container.ContainerId),
                ["lastState"] = container.LastState is null ? new JsonObject() : State(container.LastState, null),
                ["ready"] = ready,
                ["restartCount"] = container.RestartCount,
                ["image"] = KubeJson.Str(c, "image"),
                ["imageID"] = container.ImageId ?? string.Empty,
            };
            if (container.ContainerId is not null)
            {
                cs["containerID"] = container.ContainerId;
            }

            cs["started"] = container.State is FakeContainerState.Running;
            status["containerStatuses"] = new JsonArray(cs);
        }

        status["qosClass"] = KubeJson.Str(old, "qosClass") ?? Defaulting.Defaulter.QosClass(spec);
        return status;
    }

    private static JsonObject State(FakeContainerState state, string? containerId) => state switch
    {
        FakeContainerState.Waiting w => new JsonObject { ["waiting"] = w.Message is null ? new JsonObject { ["reason"] = w.Reason } : new JsonObject { ["reason"] = w.Reason, ["message"] = w.Message } },
        FakeContainerState.Running r => new JsonObject { ["running"] = new JsonObject { ["startedAt"] = KubeJson.Time(r.StartedAt) } },
        FakeContainerState.Terminated t => new JsonObject { ["terminated"] = Terminated(t, containerId) },
        _ => [],
    };

    private static JsonObject Terminated(FakeContainerState.Terminated t, string? containerId)
    {
        var o = new JsonObject { ["exitCode"] = t.ExitCode, ["reason"] = t.Reason };
        if (t.Message is not null)
        {
            o["message"] = t.Message;
        }

        o["startedAt"] = KubeJson.Time(t.StartedAt);
        o["finishedAt"] = KubeJson.Time(t.FinishedAt);
        if (containerId is not null)
        {
            o["containerID"] = containerId;
        }

        return o;
    }
}

using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Api;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Controllers;

/// <summary>Writes core/v1 Events in the recorded (old) style; a repeat of the same reason and message for the same object increases <c>count</c>.</summary>
/// <param name="state">The cluster.</param>
public sealed class EventRecorder(ClusterState state)
{
    /// <summary>Records an event about <paramref name="obj"/> (call under the lock).</summary>
    /// <param name="obj">The object (with kind and apiVersion).</param>
    /// <param name="type"><c>Normal</c> or <c>Warning</c>.</param>
    /// <param name="reason">The reason.</param>
    /// <param name="message">The message.</param>
    /// <param name="component">The source component (<c>deployment-controller</c>, <c>kubelet</c>).</param>
    /// <param name="host">The source host (kubelet events), or null.</param>
    /// <param name="fieldPath">The involved field (<c>spec.containers{web}</c>), or null.</param>
    public void Record(JsonObject obj, string type, string reason, string message, string component, string? host = null, string? fieldPath = null)
    {
        var ns = KubeJson.Str(obj, "metadata", "namespace") ?? "default";
        var uid = KubeJson.Str(obj, "metadata", "uid");
        var now = KubeJson.Time(KubeClock.Now);
        if (state.Store.Get(ApiResources.Namespaces, string.Empty, ns) is not { } nsObject || KubeJson.Str(nsObject, "metadata", "deletionTimestamp") is not null)
        {
            return;
        }

        var existing = state.Store.List(ApiResources.Events, ns).FirstOrDefault(e =>
            KubeJson.Str(e, "involvedObject", "uid") == uid && KubeJson.Str(e, "reason") == reason && KubeJson.Str(e, "message") == message
            && KubeJson.Str(e, "source", "component") == component);
        if (existing is not null)
        {
            var next = KubeJson.CloneObject(existing);
            next["count"] = (KubeJson.Long(existing, "count") ?? 1) + 1;
            next["lastTimestamp"] = now;
            state.CommitChange(ApiResources.Events, existing, next, component == "kubelet" ? "kubelet" : "kube-controller-manager", "Update", null, null);
            return;
        }

        var involved = new JsonObject
        {
            ["kind"] = KubeJson.Str(obj, "kind"),
            ["namespace"] = ns,
            ["name"] = KubeJson.Str(obj, "metadata", "name"),
            ["uid"] = uid,
            ["apiVersion"] = KubeJson.Str(obj, "apiVersion"),
            ["resourceVersion"] = KubeJson.Str(obj, "metadata", "resourceVersion"),
        };
        if (fieldPath is not null)
        {
            involved["fieldPath"] = fieldPath;
        }

        var source = new JsonObject { ["component"] = component };
        if (host is not null)
        {
            source["host"] = host;
        }

        var ev = new JsonObject
        {
            ["kind"] = "Event",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject { ["name"] = $"{KubeJson.Str(obj, "metadata", "name")}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant()}", ["namespace"] = ns },
            ["involvedObject"] = involved,
            ["reason"] = reason,
            ["message"] = message,
            ["source"] = source,
            ["firstTimestamp"] = now,
            ["lastTimestamp"] = now,
            ["count"] = 1,
            ["type"] = type,
            ["eventTime"] = null,
            ["reportingComponent"] = component,
            ["reportingInstance"] = host ?? string.Empty,
        };
        state.Create(ApiResources.Events, ns, ev, component == "kubelet" ? "kubelet" : "kube-controller-manager");
    }

    /// <summary>The scheduler's new-style Scheduled event.</summary>
    public void Scheduled(JsonObject pod, string nodeName)
    {
        var ns = KubeJson.Str(pod, "metadata", "namespace")!;
        var name = KubeJson.Str(pod, "metadata", "name")!;
        var ev = new JsonObject
        {
            ["kind"] = "Event",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject { ["name"] = $"{name}.{Convert.ToHexString(RandomNumberGenerator.GetBytes(8)).ToLowerInvariant()}", ["namespace"] = ns },
            ["involvedObject"] = new JsonObject
            {
                ["kind"] = "Pod",
                ["namespace"] = ns,
                ["name"] = name,
                ["uid"] = KubeJson.Str(pod, "metadata", "uid"),
                ["apiVersion"] = "v1",
                ["resourceVersion"] = KubeJson.Str(pod, "metadata", "resourceVersion"),
            },
            ["reason"] = "Scheduled",
            ["message"] = $"Successfully assigned {ns}/{name} to {nodeName}",
            ["source"] = new JsonObject(),
            ["firstTimestamp"] = null,
            ["lastTimestamp"] = null,
            ["type"] = "Normal",
            ["eventTime"] = KubeJson.MicroTime(KubeClock.Now),
            ["action"] = "Binding",
            ["reportingComponent"] = "default-scheduler",
            ["reportingInstance"] = "default-scheduler-" + nodeName,
        };
        state.Create(ApiResources.Events, ns, ev, "kube-scheduler");
    }
}

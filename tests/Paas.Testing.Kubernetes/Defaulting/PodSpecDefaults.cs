using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Defaulting;

/// <summary>The defaults the API server fills into a PodSpec (in Deployments, ReplicaSets and Pods alike).</summary>
public static class PodSpecDefaults
{
    /// <summary>Fills the defaults in place.</summary>
    public static void Apply(JsonObject spec)
    {
        if (spec["containers"] is JsonArray containers)
        {
            foreach (var c in containers.OfType<JsonObject>())
            {
                Container(c);
            }
        }

        spec["restartPolicy"] ??= "Always";
        spec["terminationGracePeriodSeconds"] ??= 30;
        spec["dnsPolicy"] ??= "ClusterFirst";
        spec["securityContext"] ??= new JsonObject();
        spec["schedulerName"] ??= "default-scheduler";
    }

    private static void Container(JsonObject c)
    {
        if (c["ports"] is JsonArray ports)
        {
            foreach (var p in ports.OfType<JsonObject>())
            {
                p["protocol"] ??= "TCP";
            }
        }

        foreach (var probe in new[] { "livenessProbe", "readinessProbe", "startupProbe" })
        {
            if (c[probe] is JsonObject pr)
            {
                if (pr["httpGet"] is JsonObject http)
                {
                    http["scheme"] ??= "HTTP";
                }

                pr["timeoutSeconds"] ??= 1;
                pr["periodSeconds"] ??= 10;
                pr["successThreshold"] ??= 1;
                pr["failureThreshold"] ??= 3;
            }
        }

        if (c["env"] is JsonArray env)
        {
            foreach (var e in env.OfType<JsonObject>())
            {
                if (e["valueFrom"]?["fieldRef"] is JsonObject fr)
                {
                    fr["apiVersion"] ??= "v1";
                }
            }
        }

        c["terminationMessagePath"] ??= "/dev/termination-log";
        c["terminationMessagePolicy"] ??= "File";
        if (c["imagePullPolicy"] is null)
        {
            var image = KubeJson.Str(c, "image") ?? string.Empty;
            var lastSegment = image[(image.LastIndexOf('/') + 1)..];
            var digest = image.Contains('@', StringComparison.Ordinal);
            var tag = lastSegment.Contains(':', StringComparison.Ordinal) ? lastSegment[(lastSegment.IndexOf(':', StringComparison.Ordinal) + 1)..] : null;
            c["imagePullPolicy"] = !digest && (tag is null || tag == "latest") ? "Always" : "IfNotPresent";
        }
    }
}

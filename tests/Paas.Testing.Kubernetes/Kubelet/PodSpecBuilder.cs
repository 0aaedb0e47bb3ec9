using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Api;
using Paas.Testing.Kubernetes.Json;

namespace Paas.Testing.Kubernetes.Kubelet;

/// <summary>Turns a stored Pod into the <see cref="FakePodSpec"/> a kubelet runs (env from Secrets and ConfigMaps resolved, named probe ports resolved, pull credentials found).</summary>
public static class PodSpecBuilder
{
    /// <summary>Builds the spec (call under the store lock).</summary>
    public static FakePodSpec Build(ClusterState state, JsonObject pod)
    {
        var ns = KubeJson.Str(pod, "metadata", "namespace")!;
        var spec = (JsonObject)pod["spec"]!;
        var c = (spec["containers"] as JsonArray ?? []).OfType<JsonObject>().First();
        var env = new List<KeyValuePair<string, string>>();
        foreach (var source in (c["envFrom"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var prefix = KubeJson.Str(source, "prefix") ?? string.Empty;
            if (KubeJson.Str(source, "secretRef", "name") is { } secretName && state.Store.Get(ApiResources.Secrets, ns, secretName) is { } secret)
            {
                foreach (var (k, v) in KubeJson.StringMap(secret["data"]))
                {
                    env.Add(new(prefix + k, Decode(v)));
                }
            }

            if (KubeJson.Str(source, "configMapRef", "name") is { } cmName && state.Store.Get(ApiResources.ConfigMaps, ns, cmName) is { } cm)
            {
                foreach (var (k, v) in KubeJson.StringMap(cm["data"]))
                {
                    env.Add(new(prefix + k, v));
                }
            }
        }

        foreach (var e in (c["env"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var name = KubeJson.Str(e, "name")!;
            if (KubeJson.Str(e, "value") is { } value)
            {
                env.Add(new(name, value));
            }
            else if (e["valueFrom"]?["secretKeyRef"] is JsonObject sk && state.Store.Get(ApiResources.Secrets, ns, KubeJson.Str(sk, "name") ?? string.Empty) is { } s
                && KubeJson.Str(s, "data", KubeJson.Str(sk, "key") ?? string.Empty) is { } sv)
            {
                env.Add(new(name, Decode(sv)));
            }
            else if (e["valueFrom"]?["configMapKeyRef"] is JsonObject ck && state.Store.Get(ApiResources.ConfigMaps, ns, KubeJson.Str(ck, "name") ?? string.Empty) is { } cm
                && KubeJson.Str(cm, "data", KubeJson.Str(ck, "key") ?? string.Empty) is { } cv)
            {
                env.Add(new(name, cv));
            }
            else if (KubeJson.Str(e, "valueFrom", "fieldRef", "fieldPath") is { } fieldPath)
            {
                env.Add(new(name, fieldPath switch
                {
                    "metadata.name" => KubeJson.Str(pod, "metadata", "name") ?? string.Empty,
                    "metadata.namespace" => ns,
                    "metadata.uid" => KubeJson.Str(pod, "metadata", "uid") ?? string.Empty,
                    "spec.nodeName" => KubeJson.Str(pod, "spec", "nodeName") ?? string.Empty,
                    "status.podIP" => KubeJson.Str(pod, "status", "podIP") ?? string.Empty,
                    _ => string.Empty,
                }));
            }
            else
            {
                env.Add(new(name, string.Empty));
            }
        }

        var ports = (c["ports"] as JsonArray ?? []).OfType<JsonObject>()
            .Select(p => new FakeContainerPort(KubeJson.Str(p, "name"), (int)(KubeJson.Long(p, "containerPort") ?? 0), KubeJson.Str(p, "protocol") ?? "TCP")).ToList();
        var memory = Quantities.Parse(KubeJson.Str(c, "resources", "limits", "memory"));
        var cpu = Quantities.Parse(KubeJson.Str(c, "resources", "limits", "cpu"));
        return new FakePodSpec(
            new FakePodKey(ns, KubeJson.Str(pod, "metadata", "name")!),
            KubeJson.Str(pod, "metadata", "uid")!,
            KubeJson.Str(c, "name")!,
            KubeJson.Str(c, "image")!,
            Strings(c["command"]),
            Strings(c["args"]),
            env,
            ports,
            KubeJson.Str(spec, "restartPolicy") ?? "Always",
            memory is null ? null : (long)memory.Value,
            cpu is null ? null : (long)Math.Ceiling(cpu.Value * 1000),
            Probe(c["readinessProbe"] as JsonObject, ports),
            Probe(c["livenessProbe"] as JsonObject, ports),
            c["stdin"]?.GetValue<bool>() ?? false,
            c["stdinOnce"]?.GetValue<bool>() ?? false,
            c["tty"]?.GetValue<bool>() ?? false,
            PullAuth(state, ns, spec, KubeJson.Str(c, "image")!),
            KubeJson.Long(spec, "activeDeadlineSeconds"),
            KubeJson.Long(spec, "terminationGracePeriodSeconds") ?? 30,
            KubeJson.Str(c, "workingDir"),
            KubeJson.Long(c, "securityContext", "runAsUser") ?? KubeJson.Long(spec, "securityContext", "runAsUser"));
    }

    private static string Decode(string base64)
    {
        try
        {
            return Encoding.UTF8.GetString(Convert.FromBase64String(base64));
        }
        catch (FormatException)
        {
            return string.Empty;
        }
    }

    private static List<string>? Strings(JsonNode? node) => node is JsonArray a ? [.. a.Select(x => x?.GetValue<string>() ?? string.Empty)] : null;

    private static FakeProbe? Probe(JsonObject? p, List<FakeContainerPort> ports)
    {
        if (p is null)
        {
            return null;
        }

        int? Port(JsonNode? n) => n is JsonValue v && v.TryGetValue<string>(out var name)
            ? ports.FirstOrDefault(x => x.Name == name)?.ContainerPort ?? (int.TryParse(name, NumberStyles.Integer, CultureInfo.InvariantCulture, out var i) ? i : null)
            : (int?)KubeJson.Long(new JsonObject { ["v"] = n?.DeepClone() }, "v");
        return new FakeProbe(
            p["tcpSocket"] is JsonObject tcp ? Port(tcp["port"]) : null,
            KubeJson.Str(p, "httpGet", "path"),
            p["httpGet"] is JsonObject http ? Port(http["port"]) : null,
            (int)(KubeJson.Long(p, "initialDelaySeconds") ?? 0),
            (int)(KubeJson.Long(p, "periodSeconds") ?? 10),
            (int)(KubeJson.Long(p, "timeoutSeconds") ?? 1),
            (int)(KubeJson.Long(p, "failureThreshold") ?? 3),
            (int)(KubeJson.Long(p, "successThreshold") ?? 1));
    }

    private static FakeRegistryAuth? PullAuth(ClusterState state, string ns, JsonObject spec, string image)
    {
        var host = image.Contains('/', StringComparison.Ordinal) ? image[..image.IndexOf('/', StringComparison.Ordinal)] : "docker.io";
        foreach (var name in (spec["imagePullSecrets"] as JsonArray ?? []).OfType<JsonObject>().Select(x => KubeJson.Str(x, "name")))
        {
            if (name is null || state.Store.Get(ApiResources.Secrets, ns, name) is not { } secret || KubeJson.Str(secret, "data", ".dockerconfigjson") is not { } data)
            {
                continue;
            }

            if (JsonNode.Parse(Decode(data))?["auths"] is not JsonObject auths)
            {
                continue;
            }

            foreach (var (registry, entry) in auths)
            {
                if (registry.Replace("https://", string.Empty, StringComparison.Ordinal).Replace("http://", string.Empty, StringComparison.Ordinal).TrimEnd('/') != host)
                {
                    continue;
                }

                var user = KubeJson.Str(entry, "username");
                var password = KubeJson.Str(entry, "password");
                if ((user is null || password is null) && KubeJson.Str(entry, "auth") is { } auth)
                {
                    var decoded = Decode(auth);
                    var colon = decoded.IndexOf(':', StringComparison.Ordinal);
                    (user, password) = colon < 0 ? (decoded, string.Empty) : (decoded[..colon], decoded[(colon + 1)..]);
                }

                return new FakeRegistryAuth(host, user ?? string.Empty, password ?? string.Empty);
            }
        }

        return null;
    }
}

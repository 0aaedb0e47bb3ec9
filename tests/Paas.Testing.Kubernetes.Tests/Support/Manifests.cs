using System.Text.Json.Nodes;

namespace Paas.Testing.Kubernetes.Tests.Support;

/// <summary>Manifests shaped as the platform writes them (v1.28 recordings).</summary>
public static class Manifests
{
    public const string Ns = "demo-app";

    public static JsonObject Namespace(string name = Ns) => new() { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = name } };

    public static JsonObject Deployment(string release = "r1", int replicas = 2, string name = "demo-app-web", string image = "127.0.0.1:5055/demo-app:1.0.0") => Parse("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"@NAME","namespace":"@NS","labels":{"app":"demo-app","type":"web","release":"@RELEASE"}},
         "spec":{"replicas":@REPLICAS,"selector":{"matchLabels":{"app":"demo-app","type":"web"}},
          "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":0,"maxSurge":1}},
          "template":{"metadata":{"labels":{"app":"demo-app","type":"web","release":"@RELEASE"}},
           "spec":{"terminationGracePeriodSeconds":30,"containers":[{"name":"web","image":"@IMAGE","command":["sh","-c","exec httpd -f -p $PORT"],
            "ports":[{"name":"http","containerPort":5000,"protocol":"TCP"}],"env":[{"name":"PORT","value":"5000"},{"name":"RELEASE","value":"@RELEASE"}],
            "readinessProbe":{"tcpSocket":{"port":"http"},"initialDelaySeconds":1,"periodSeconds":2},
            "resources":{"requests":{"cpu":"50m","memory":"32Mi"},"limits":{"cpu":"200m","memory":"64Mi"}}}]}}}}
        """, ("@NAME", name), ("@RELEASE", release), ("@REPLICAS", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("@IMAGE", image));

    public static JsonObject Service(string name = "demo-app-web") => Parse("""
        {"apiVersion":"v1","kind":"Service","metadata":{"name":"@NAME","namespace":"@NS","labels":{"app":"demo-app","type":"web","release":"r1"}},
         "spec":{"type":"ClusterIP","selector":{"app":"demo-app","type":"web"},"ports":[{"name":"http","port":80,"targetPort":"http","protocol":"TCP"}]}}
        """, ("@NAME", name));

    public static JsonObject Pod(string name, string command, string restartPolicy = "Never", string image = "127.0.0.1:5055/demo-app:1.0.0") => Parse("""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"@NAME","namespace":"@NS","labels":{"app":"demo-app","type":"once"}},
         "spec":{"restartPolicy":"@POLICY","containers":[{"name":"main","image":"@IMAGE","command":["sh","-c","@COMMAND"]}]}}
        """, ("@NAME", name), ("@POLICY", restartPolicy), ("@IMAGE", image), ("@COMMAND", command));

    private static JsonObject Parse(string template, params (string Key, string Value)[] values)
    {
        var text = template.Replace("@NS", Ns, StringComparison.Ordinal);
        foreach (var (k, v) in values)
        {
            text = text.Replace(k, v, StringComparison.Ordinal);
        }

        return JsonNode.Parse(text)!.AsObject();
    }
}

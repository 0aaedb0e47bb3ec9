using Paas.Chart.Tests.Policies;
using Paas.Chart.Tests.Rendering;

namespace Paas.Chart.Tests;

/// <summary>
/// What the rendered NetworkPolicies let through, evaluated by the Kubernetes rules (<see cref="NetworkPolicyEvaluator"/>)
/// for the platform's pods (with their rendered labels), a build pod (labelled as the builder must label it:
/// app.kubernetes.io/part-of=paas, app.kubernetes.io/component=build), an app's pod in its own namespace, DNS and
/// addresses outside the cluster.
/// </summary>
public sealed class NetworkPolicyTests
{
    private static readonly Peer Build = Pod("build pod", "paas-system", new() { ["app.kubernetes.io/part-of"] = "paas", ["app.kubernetes.io/component"] = "build", ["paas.io/app"] = "hello" });
    private static readonly Peer App = Pod("app pod", "paas-hello", new() { ["app.kubernetes.io/managed-by"] = "paas", ["paas.io/app"] = "hello", ["paas.io/type"] = "web" });
    private static readonly Peer Dns = Pod("CoreDNS", "kube-system", new() { ["k8s-app"] = "kube-dns" });
    private static readonly Peer User = Peer.Outside("a user", "203.0.113.7");
    private static readonly Peer Internet = Peer.Outside("a web site", "93.184.216.34");
    private static readonly Peer ClusterAddress = Peer.Outside("an address in the cluster's range", "10.96.0.1");

    public static TheoryData<string, string, int, bool> DefaultMatrix => new()
    {
        // PostgreSQL only from the controller.
        { "controller", "postgresql", 5432, true },
        { "router", "postgresql", 5432, false },
        { "builder", "postgresql", 5432, false },
        { "registry", "postgresql", 5432, false },
        { "build", "postgresql", 5432, false },
        { "app", "postgresql", 5432, false },
        // The controller's internal contracts only from platform pods; its API from anywhere.
        { "router", "controller", 7001, true },
        { "registry", "controller", 7001, true },
        { "builder", "controller", 7001, true },
        { "app", "controller", 7001, false },
        { "build", "controller", 7001, false },
        { "app", "controller", 7000, true },
        { "user", "controller", 7000, true },
        { "build", "controller", 7000, false },
        // The builder from the controller and build pods.
        { "controller", "builder", 7100, true },
        { "build", "builder", 7100, true },
        { "app", "builder", 7100, false },
        // The registry from the proxy, the platform and build pods; not from apps.
        { "registry-proxy", "registry", 5000, true },
        { "controller", "registry", 5000, true },
        { "build", "registry", 5000, true },
        { "app", "registry", 5000, false },
        { "user", "registry", 5000, false },
        // The edge from anywhere.
        { "user", "router", 8080, true },
        { "user", "router", 8443, true },
        { "user", "registry-proxy", 5555, true },
        // Build pods reach nothing else: not the Kubernetes API, not the internet; DNS yes.
        { "build", "dns", 53, true },
        { "build", "internet", 443, false },
        { "build", "cluster-address", 443, false },
        { "build", "app", 5000, false },
        // Health ports answer the kubelet.
        { "user", "postgresql", 8086, false },
        { "user", "builder", 8086, true },
        { "user", "registry", 8086, true },
    };

    [Theory]
    [MemberData(nameof(DefaultMatrix))]
    public void Default_install(string from, string to, int port, bool allowed)
    {
        var (evaluator, pods) = Setup("default");

        Assert.Equal(allowed, evaluator.Allows(pods[from], pods[to], port, to == "dns" ? "UDP" : "TCP"));
    }

    [Fact]
    public void With_the_registry_on_a_node_port_nodes_reach_it_from_outside_the_namespace()
    {
        var (evaluator, pods) = Setup("registry-nodeport");

        Assert.True(evaluator.Allows(pods["user"], pods["registry"], 5000));
        Assert.False(evaluator.Allows(pods["app"], pods["postgresql"], 5432));
    }

    [Fact]
    public void Extra_build_egress_opens_only_what_it_names()
    {
        var (evaluator, pods) = Setup("build-egress");

        Assert.True(evaluator.Allows(pods["build"], pods["internet"], 443));
        Assert.False(evaluator.Allows(pods["build"], pods["internet"], 80));
        Assert.False(evaluator.Allows(pods["build"], pods["cluster-address"], 443));
        Assert.False(evaluator.Allows(pods["build"], pods["controller"], 7001));
        Assert.True(evaluator.Allows(pods["build"], pods["registry"], 5000));
    }

    [Fact]
    public void An_external_database_has_no_policy_of_its_own()
    {
        Assert.DoesNotContain(Rendered.Case("external-database").OfKind("NetworkPolicy"), p => (string?)p["metadata"]!["name"] == "paas-postgresql");
        Assert.Equal(6, Rendered.Case("default").OfKind("NetworkPolicy").Count());
    }

    private static (NetworkPolicyEvaluator Evaluator, Dictionary<string, Peer> Pods) Setup(string name)
    {
        var rendered = Rendered.Case(name);
        var pods = rendered.Workloads.ToDictionary(
            w => (string)w["metadata"]!["labels"]!["app.kubernetes.io/component"]!,
            w => new Peer((string)w["metadata"]!["name"]!, ChartCase.Namespace, w["spec"]!["template"]!["metadata"]!["labels"]!.AsObject().ToDictionary(l => l.Key, l => (string)l.Value!)));
        pods["build"] = Build;
        pods["app"] = App;
        pods["dns"] = Dns;
        pods["user"] = User;
        pods["internet"] = Internet;
        pods["cluster-address"] = ClusterAddress;
        return (new NetworkPolicyEvaluator(rendered.OfKind("NetworkPolicy")), pods);
    }

    private static Peer Pod(string name, string ns, Dictionary<string, string> labels) => new(name, ns, labels);
}

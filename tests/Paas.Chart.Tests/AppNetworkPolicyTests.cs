using System.Text.Json.Nodes;
using k8s;
using Paas.Chart.Tests.Policies;
using Paas.Chart.Tests.Rendering;
using Paas.Kubernetes;
using Paas.Kubernetes.Objects;

namespace Paas.Chart.Tests;

/// <summary>
/// Each app namespace's NetworkPolicy, as the controller the chart renders would write it: built by
/// <see cref="AppObjectsBuilder.NetworkPolicy"/> from the controller's <c>PAAS_KUBERNETES_ROUTER_*</c> variables, then
/// evaluated together with the chart's own policies (<see cref="NetworkPolicyEvaluator"/>) against the router pods the
/// chart renders, with their labels and namespace. The router's labels live in one template (<c>paas.selectorLabels</c>);
/// if the variables drifted from it, the router could no longer reach any app.
/// </summary>
public sealed class AppNetworkPolicyTests
{
    private static readonly Peer Web = new("hello web.1", "paas-hello", new Dictionary<string, string> { ["paas.io/app"] = "hello", ["paas.io/type"] = "web" });
    private static readonly Peer Worker = new("hello worker.1", "paas-hello", new Dictionary<string, string> { ["paas.io/app"] = "hello", ["paas.io/type"] = "worker" });
    private static readonly Peer OtherApp = new("shop web.1", "paas-shop", new Dictionary<string, string> { ["paas.io/app"] = "shop", ["paas.io/type"] = "web" });
    private static readonly Peer Build = new("build pod", "paas-system", new Dictionary<string, string> { ["app.kubernetes.io/part-of"] = "paas", ["app.kubernetes.io/component"] = "build" });
    private static readonly Peer Internet = Peer.Outside("a web site", "93.184.216.34");

    public static TheoryData<string, string?> Installs => new()
    {
        { "default", null },
        { "customized", "edge" }, // nameOverride "platform", no chart NetworkPolicies, another namespace
    };

    [Theory]
    [MemberData(nameof(Installs))]
    public void The_router_reaches_an_apps_pods_and_nothing_else_of_the_platform_does(string name, string? ns)
    {
        var rendered = ns is null ? Rendered.Case(name) : Rendered.Template("--values", ChartCase.ValuesFile(name), "--namespace", ns);
        var (evaluator, pods) = Setup(rendered);

        Assert.True(evaluator.Allows(pods["router"], Web, 5000));
        Assert.True(evaluator.Allows(pods["router"], Web, 8080)); // any port: a Dockerfile image's EXPOSE is its release's web port
        Assert.True(evaluator.Allows(Worker, Web, 5000));
        Assert.True(evaluator.Allows(Web, Worker, 9000));
        Assert.False(evaluator.Allows(OtherApp, Web, 5000));
        Assert.False(evaluator.Allows(Build, Web, 5000));
        Assert.All(pods.Where(p => p.Key != "router"), p => Assert.False(evaluator.Allows(p.Value, Web, 5000), $"{p.Key} reaches the app"));
        Assert.True(evaluator.Allows(Web, Internet, 443));
    }

    [Fact]
    public void The_chart_passes_its_network_policy_switch_on()
    {
        Assert.Equal("true", Rendered.Env(Rendered.Containers(Rendered.Case("default").Get("Deployment", "paas-controller")).Single(), "PAAS_KUBERNETES_NETWORK_POLICY"));
        Assert.Equal("false", Rendered.Env(Rendered.Containers(Rendered.Case("customized").Get("Deployment", "acme-controller")).Single(), "PAAS_KUBERNETES_NETWORK_POLICY"));
    }

    private static (NetworkPolicyEvaluator Evaluator, Dictionary<string, Peer> Pods) Setup(Rendered rendered)
    {
        var controller = Rendered.Containers(rendered.Workloads.Single(w => (string?)w["metadata"]!["labels"]!["app.kubernetes.io/component"] == "controller")).Single();
        var options = new KubernetesOptions
        {
            RouterNamespace = Rendered.Env(controller, "PAAS_KUBERNETES_ROUTER_NAMESPACE")!,
            RouterPodLabels = Rendered.Env(controller, "PAAS_KUBERNETES_ROUTER_POD_LABELS")!,
        };
        var policy = JsonNode.Parse(KubernetesJson.Serialize(AppObjectsBuilder.NetworkPolicy("hello", "paas-hello", options)))!.AsObject();
        var pods = rendered.Workloads.ToDictionary(
            w => (string)w["metadata"]!["labels"]!["app.kubernetes.io/component"]!,
            w => new Peer((string)w["metadata"]!["name"]!, (string)w["metadata"]!["namespace"]!, w["spec"]!["template"]!["metadata"]!["labels"]!.AsObject().ToDictionary(l => l.Key, l => (string)l.Value!)));
        return (new NetworkPolicyEvaluator(rendered.OfKind("NetworkPolicy").Append(policy)), pods);
    }
}

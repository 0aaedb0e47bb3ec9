using System.Text.Json.Nodes;
using k8s;
using Paas.Testing.Kubernetes.Kubelet;
using Paas.Testing.Kubernetes.Tests.Support;

namespace Paas.Testing.Kubernetes.Tests;

/// <summary>PUT, merge and strategic merge patches, progress deadlines.</summary>
public sealed class WriteVerbTests
{
    [Fact]
    public async Task Put_needs_the_current_resource_version_and_patches_merge_lists_by_key()
    {
        await using var cluster = await Cluster.StartAsync(o => o.RunControllers = false);
        await cluster.ApplyAsync(Manifests.Namespace());
        await cluster.ApplyAsync(Manifests.Deployment());
        using var client = new FakeClient(cluster.Server);
        var live = cluster.Server.Get("apps/v1", "Deployment", Manifests.Ns, "demo-app-web")!;
        live["spec"]!["replicas"] = 3;
        var (status, _, put) = await client.SendAsync("PUT", "/apis/apps/v1/namespaces/demo-app/deployments/demo-app-web", live);
        Assert.Equal(200, status);
        Assert.Equal(2, put!["metadata"]!["generation"]!.GetValue<int>());
        (status, _, _) = await client.SendAsync("PUT", "/apis/apps/v1/namespaces/demo-app/deployments/demo-app-web", live);
        Assert.Equal(409, status);

        var smp = JsonNode.Parse("{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"env\":[{\"name\":\"EXTRA\",\"value\":\"1\"}]}]}}}}");
        (status, _, var patched) = await client.SendAsync("PATCH", "/apis/apps/v1/namespaces/demo-app/deployments/demo-app-web", smp, "application/strategic-merge-patch+json");
        Assert.Equal(200, status);
        var container = patched!["spec"]!["template"]!["spec"]!["containers"]![0]!;
        Assert.Equal("127.0.0.1:5055/demo-app:1.0.0", container["image"]!.GetValue<string>());
        Assert.Equal(["PORT", "RELEASE", "EXTRA"], container["env"]!.AsArray().Select(e => e!["name"]!.GetValue<string>()));

        var merge = JsonNode.Parse("{\"metadata\":{\"labels\":{\"release\":null}}}");
        (status, _, patched) = await client.SendAsync("PATCH", "/apis/apps/v1/namespaces/demo-app/deployments/demo-app-web", merge, "application/merge-patch+json");
        Assert.Equal(200, status);
        Assert.Null(patched!["metadata"]!["labels"]!["release"]);
        Assert.Contains(patched["metadata"]!["managedFields"]!.AsArray(), m => m!["manager"]!.GetValue<string>() == "paas-scheduler" && m["operation"]!.GetValue<string>() == "Update");

        (status, _, var unsupported) = await client.SendAsync("PATCH", "/apis/apps/v1/namespaces/demo-app/deployments/demo-app-web", JsonNode.Parse("[]"), "application/json-patch+json");
        Assert.Equal(415, status);
        Assert.Equal("UnsupportedMediaType", unsupported!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_rollout_that_never_becomes_ready_exceeds_its_progress_deadline()
    {
        await using var cluster = await Cluster.StartAsync(o => o.ProgressDeadlineScale = 0.002);
        cluster.Kubelet.ScriptCommand("httpd", new ContainerScript { NeverReady = true });
        await cluster.ApplyAsync(Manifests.Namespace());
        await cluster.ApplyAsync(Manifests.Deployment());
        var d = await cluster.Server.WaitForAsync("apps/v1", "Deployment", Manifests.Ns, "demo-app-web",
            x => x?["status"]?["conditions"]?.AsArray().Any(c => c?["reason"]?.GetValue<string>() == "ProgressDeadlineExceeded") == true, TimeSpan.FromSeconds(20));
        var progressing = d!["status"]!["conditions"]!.AsArray().Single(c => c!["type"]!.GetValue<string>() == "Progressing")!;
        Assert.Equal("False", progressing["status"]!.GetValue<string>());
        Assert.Matches("^ReplicaSet \"demo-app-web-[a-z0-9]+\" has timed out progressing.$", progressing["message"]!.GetValue<string>());
        Assert.Equal(2, d["status"]!["unavailableReplicas"]!.GetValue<int>());
        Assert.Empty(cluster.Server.ControllerErrors);
    }

    [Fact]
    public async Task Pod_specs_and_selectors_are_immutable_as_on_a_real_server()
    {
        await using var cluster = await Cluster.StartAsync(o => o.RunControllers = false);
        await cluster.ApplyAsync(Manifests.Namespace());
        await cluster.ApplyAsync(Manifests.Pod("p", "sleep 1"));
        await cluster.ApplyAsync(Manifests.Pod("p", "sleep 1", image: "127.0.0.1:5055/demo-app:2.0.0"));
        var e = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => cluster.ApplyAsync(Manifests.Pod("p", "sleep 2")));
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, e.Response.StatusCode);
        Assert.StartsWith("Pod \"p\" is invalid: spec: Forbidden: pod updates may not change fields other than", JsonNode.Parse(e.Response.Content)!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        await cluster.ApplyAsync(Manifests.Deployment());
        var moved = Manifests.Deployment();
        moved["spec"]!["selector"]!["matchLabels"]!["type"] = "worker";
        moved["spec"]!["template"]!["metadata"]!["labels"]!["type"] = "worker";
        e = await Assert.ThrowsAsync<k8s.Autorest.HttpOperationException>(() => cluster.ApplyAsync(moved));
        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, e.Response.StatusCode);
        Assert.EndsWith(": field is immutable", JsonNode.Parse(e.Response.Content)!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Typed_client_round_trips_pass_validation()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.ApplyAsync(Manifests.Namespace());
        await cluster.ApplyAsync(Manifests.Deployment());
        await cluster.Server.WaitForAsync("apps/v1", "Deployment", Manifests.Ns, "demo-app-web", d => d?["status"]?["availableReplicas"]?.GetValue<int>() == 2, TimeSpan.FromSeconds(20));
        var typed = await cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("demo-app-web", Manifests.Ns);
        typed.Spec.Replicas = 3;
        var replaced = await cluster.Client.AppsV1.ReplaceNamespacedDeploymentAsync(typed, "demo-app-web", Manifests.Ns);
        Assert.Equal(3, replaced.Spec.Replicas);
        var pod = await cluster.Client.CoreV1.ReadNamespacedPodAsync(cluster.Server.List("v1", "Pod", Manifests.Ns)[0]["metadata"]!["name"]!.GetValue<string>(), Manifests.Ns);
        pod.Metadata.Labels["extra"] = "1";
        await cluster.Client.CoreV1.ReplaceNamespacedPodAsync(pod, pod.Metadata.Name, Manifests.Ns);
        var created = await cluster.Client.CoreV1.CreateNamespacedSecretAsync(
            new k8s.Models.V1Secret { Metadata = new k8s.Models.V1ObjectMeta { Name = "s" }, StringData = new Dictionary<string, string> { ["A"] = "b" } }, Manifests.Ns);
        Assert.Equal("b", System.Text.Encoding.UTF8.GetString(created.Data["A"]));
        Assert.Null(created.StringData);
        Assert.Empty(cluster.Server.ControllerErrors);
    }
}

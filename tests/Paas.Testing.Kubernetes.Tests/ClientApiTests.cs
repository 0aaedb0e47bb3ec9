using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Paas.Testing.Kubernetes.Tests.Support;

namespace Paas.Testing.Kubernetes.Tests;

/// <summary>The API machinery through KubernetesClient: apply, conflicts, errors, scale, watches.</summary>
public sealed class ClientApiTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Apply_creates_then_no_op_then_updates_and_a_second_manager_conflicts()
    {
        await using var cluster = await Cluster.StartAsync(o => o.RunControllers = false);
        await cluster.ApplyAsync(Manifests.Namespace());
        var created = await cluster.ApplyAsync(Manifests.Deployment());
        Assert.Equal(1, created["metadata"]!["generation"]!.GetValue<int>());
        Assert.Equal(201, cluster.Server.Requests[^1].Status);
        var noop = await cluster.ApplyAsync(Manifests.Deployment());
        Assert.Equal(200, cluster.Server.Requests[^1].Status);
        Assert.Equal(created["metadata"]!["resourceVersion"]!.ToJsonString(), noop["metadata"]!["resourceVersion"]!.ToJsonString());
        var updated = await cluster.ApplyAsync(Manifests.Deployment("r2"));
        Assert.Equal(2, updated["metadata"]!["generation"]!.GetValue<int>());

        var other = Manifests.Deployment("r2", replicas: 3);
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.ApplyAsync(other, manager: "other-tool", force: false));
        Assert.Equal(HttpStatusCode.Conflict, e.Response.StatusCode);
        var status = JsonNode.Parse(e.Response.Content)!;
        Assert.Equal("Apply failed with 1 conflict: conflict with \"paas\": .spec.replicas", status["message"]!.GetValue<string>());
        Assert.Equal(".spec.replicas", status["details"]!["causes"]![0]!["field"]!.GetValue<string>());

        var forced = await cluster.ApplyAsync(other, manager: "other-tool", force: true);
        Assert.Equal(3, forced["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal(["paas", "other-tool"], forced["metadata"]!["managedFields"]!.AsArray().Select(m => m!["manager"]!.GetValue<string>()));
        Assert.All(cluster.Server.Requests, r => Assert.Equal(("PATCH", "application/apply-patch+yaml"), (r.Method, r.ContentType?.Split(';')[0])));
    }

    [Fact]
    public async Task Errors_reach_the_client_as_status_objects()
    {
        await using var cluster = await Cluster.StartAsync(o => o.RunControllers = false);
        await cluster.ApplyAsync(Manifests.Namespace());
        var bad = Manifests.Deployment();
        bad["spec"]!["replicas"] = -1;
        var e = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.ApplyAsync(bad));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, e.Response.StatusCode);
        Assert.Equal("Deployment.apps \"demo-app-web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0", JsonNode.Parse(e.Response.Content)!["message"]!.GetValue<string>());

        var unknown = Manifests.Deployment();
        unknown["spec"]!["replicaz"] = 2;
        e = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.ApplyAsync(unknown));
        Assert.Equal(HttpStatusCode.BadRequest, e.Response.StatusCode);
        Assert.EndsWith(".spec.replicaz: field not declared in schema", JsonNode.Parse(e.Response.Content)!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        e = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.AppsV1.ReadNamespacedDeploymentAsync("nope", Manifests.Ns));
        Assert.Equal(HttpStatusCode.NotFound, e.Response.StatusCode);
        Assert.Equal("deployments.apps \"nope\" not found", JsonNode.Parse(e.Response.Content)!["message"]!.GetValue<string>());

        using var anonymous = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = cluster.Server.Url.ToString().TrimEnd('/') });
        e = await Assert.ThrowsAsync<HttpOperationException>(() => anonymous.CoreV1.ListNamespaceAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, e.Response.StatusCode);

        cluster.Server.Deny("patch", "apps", "deployments/scale");
        await cluster.ApplyAsync(Manifests.Deployment());
        e = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("{\"spec\":{\"replicas\":4}}", V1Patch.PatchType.MergePatch), "demo-app-web", Manifests.Ns));
        Assert.Equal(HttpStatusCode.Forbidden, e.Response.StatusCode);
        Assert.Equal("deployments.apps \"demo-app-web\" is forbidden: User \"admin\" cannot patch resource \"deployments/scale\" in API group \"apps\" in the namespace \"demo-app\"", JsonNode.Parse(e.Response.Content)!["message"]!.GetValue<string>());

        cluster.Server.RefuseCreates("", "secrets", "exceeded quota: compute, requested: count/secrets=1, used: count/secrets=0, limited: count/secrets=0");
        e = await Assert.ThrowsAsync<HttpOperationException>(() => cluster.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { Name = "s" } }, Manifests.Ns));
        Assert.Equal(HttpStatusCode.Forbidden, e.Response.StatusCode);
    }

    [Fact]
    public async Task Scale_is_an_autoscaling_v1_scale_and_a_merge_patch_moves_replicas_to_the_patching_manager()
    {
        await using var cluster = await Cluster.StartAsync(o => o.RunControllers = false);
        await cluster.ApplyAsync(Manifests.Namespace());
        await cluster.ApplyAsync(Manifests.Deployment());
        var scale = await cluster.Client.AppsV1.ReadNamespacedDeploymentScaleAsync("demo-app-web", Manifests.Ns);
        Assert.Equal(2, scale.Spec.Replicas);
        Assert.Equal("app=demo-app,type=web", scale.Status.Selector);
        using var http = new FakeClient(cluster.Server);
        var (status, _, body) = await http.SendAsync("PATCH", "/apis/apps/v1/namespaces/demo-app/deployments/demo-app-web/scale", JsonNode.Parse("{\"spec\":{\"replicas\":4}}"), "application/merge-patch+json");
        Assert.Equal(200, status);
        Shapes.AssertSame(Recordings.Exchange("exchanges/48-patch-deployment-scale-to-4.json")["response"]!["body"], body, new HashSet<string> { "replicas", "name", "namespace" });
        var d = cluster.Server.Get("apps/v1", "Deployment", Manifests.Ns, "demo-app-web")!;
        Assert.Equal(2, d["metadata"]!["generation"]!.GetValue<int>());
        var entry = d["metadata"]!["managedFields"]!.AsArray().Single(m => m!["subresource"]?.GetValue<string>() == "scale")!;
        Assert.Equal("paas-scheduler", entry["manager"]!.GetValue<string>());
        Assert.Equal("{\"f:spec\":{\"f:replicas\":{}}}", entry["fieldsV1"]!.ToJsonString());
        Assert.DoesNotContain("f:replicas", d["metadata"]!["managedFields"]![0]!["fieldsV1"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Watches_start_with_added_events_send_later_changes_and_expire_old_versions()
    {
        await using var cluster = await Cluster.StartAsync(o => o.RunControllers = false);
        await cluster.ApplyAsync(Manifests.Namespace());
        await cluster.ApplyAsync(Manifests.Pod("b", "sleep 1"));
        await cluster.ApplyAsync(Manifests.Pod("a", "sleep 1"));
        using var cts = new CancellationTokenSource(Timeout);
        var events = new List<(WatchEventType Type, string Name)>();
        var list = await cluster.Client.CoreV1.ListNamespacedPodAsync(Manifests.Ns);
        await foreach (var (type, pod) in cluster.Client.CoreV1.WatchListNamespacedPodAsync(Manifests.Ns, cancellationToken: cts.Token))
        {
            events.Add((type, pod.Metadata.Name));
            if (events.Count == 2)
            {
                break;
            }
        }

        Assert.Equal([(WatchEventType.Added, "a"), (WatchEventType.Added, "b")], events);

        var later = new List<(WatchEventType Type, string Name, string? Phase)>();
        var watch = Task.Run(async () =>
        {
            await foreach (var (type, pod) in cluster.Client.CoreV1.WatchListNamespacedPodAsync(Manifests.Ns, resourceVersion: list.Metadata.ResourceVersion, cancellationToken: cts.Token))
            {
                later.Add((type, pod.Metadata.Name, pod.Metadata.DeletionTimestamp?.ToString()));
                if (type == WatchEventType.Deleted)
                {
                    break;
                }
            }
        });
        await cluster.Client.CoreV1.DeleteNamespacedPodAsync("a", Manifests.Ns);
        await watch;
        Assert.Equal([WatchEventType.Modified, WatchEventType.Deleted], later.Select(e => e.Type));
        Assert.NotNull(later[0].Phase);

        cluster.Server.ExpireWatchHistory();
        using var http = new HttpClient { BaseAddress = cluster.Server.Url };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", cluster.Server.Token);
        var text = await http.GetStringAsync($"/api/v1/namespaces/demo-app/pods?watch=1&resourceVersion=1", cts.Token);
        var line = JsonNode.Parse(text.TrimEnd('\n'))!;
        var recorded = JsonNode.Parse(File.ReadAllText(Path.Combine(Schema.SharedRecordings.Directory(), "v1.28/13b-watch-resourceversion-too-old.ndjson")).TrimEnd('\n'))!;
        Shapes.AssertSame(recorded, line, new HashSet<string> { "message" });
        Assert.StartsWith("too old resource version: 1 (", line["object"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);

        var timed = await http.GetAsync("/api/v1/namespaces/demo-app/pods?watch=1&timeoutSeconds=1&resourceVersion=" + cluster.Server.ResourceVersion, cts.Token);
        Assert.Equal(string.Empty, await timed.Content.ReadAsStringAsync(cts.Token));
    }

    [Fact]
    public async Task Bookmarks_carry_the_last_resource_version()
    {
        await using var cluster = await Cluster.StartAsync(o =>
        {
            o.RunControllers = false;
            o.BookmarkInterval = TimeSpan.FromMilliseconds(300);
        });
        await cluster.ApplyAsync(Manifests.Namespace());
        using var http = new HttpClient { BaseAddress = cluster.Server.Url };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", cluster.Server.Token);
        var text = await http.GetStringAsync("/api/v1/namespaces/demo-app/pods?watch=1&allowWatchBookmarks=true&timeoutSeconds=1&resourceVersion=" + cluster.Server.ResourceVersion);
        var bookmark = JsonNode.Parse(text.Split('\n')[0])!;
        var recorded = JsonNode.Parse("{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"1729\",\"creationTimestamp\":null},\"spec\":{\"containers\":null},\"status\":{}}}");
        Shapes.AssertSame(recorded, bookmark);
    }
}

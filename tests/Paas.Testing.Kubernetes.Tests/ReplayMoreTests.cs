using System.Text.Json.Nodes;
using k8s;
using Paas.Testing.Kubernetes.Kubelet;
using Paas.Testing.Kubernetes.Tests.Support;

namespace Paas.Testing.Kubernetes.Tests;

/// <summary>More recorded exchanges: discovery, pagination, foreground deletion, graceful pod deletion, HPA, PDB and eviction.</summary>
public sealed class ReplayMoreTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("exchanges/01-get-api.json")]
    [InlineData("exchanges/02-get-apis.json")]
    [InlineData("exchanges/03-get-version.json")]
    [InlineData("exchanges/04-get-api-v1-resources.json")]
    [InlineData("exchanges/05-get-apis-apps-v1-resources.json")]
    public async Task Discovery_answers_the_recorded_documents(string file)
    {
        await using var server = await FakeKubernetesApiServer.StartAsync(new FakeKubernetesOptions { RunControllers = false });
        using var client = new FakeClient(server);
        var exchange = Recordings.Exchange(file);
        var (status, _, body) = await client.ReplayAsync(exchange);
        Assert.Equal(200, status);
        Assert.Equal(exchange["response"]!["body"]!.ToJsonString(), body!.ToJsonString());
    }

    [Fact]
    public async Task OpenApi_documents_are_served_from_the_recordings()
    {
        await using var server = await FakeKubernetesApiServer.StartAsync(new FakeKubernetesOptions { RunControllers = false });
        using var http = new HttpClient { BaseAddress = server.Url };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", server.Token);
        var index = await http.GetAsync("/openapi/v3");
        Assert.Equal("text/plain", index.Content.Headers.ContentType?.MediaType);
        Assert.Contains("apis/apps/v1", await index.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var apps = await http.GetAsync("/openapi/v3/apis/apps/v1");
        Assert.True(apps.Headers.ETag is not null);
        Assert.Contains("io.k8s.api.apps.v1.Deployment", await apps.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_paginate_and_watch_list_is_refused_as_in_1_28()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.ApplyAsync(Manifests.Namespace());
        await cluster.ApplyAsync(Manifests.Deployment(replicas: 3));
        await cluster.Server.WaitForAsync("v1", "Namespace", string.Empty, Manifests.Ns, _ => cluster.Server.List("v1", "Pod", Manifests.Ns).Count == 3, Timeout);
        using var client = new FakeClient(cluster.Server);
        var (status, _, page) = await client.SendAsync("GET", "/api/v1/namespaces/demo-app/pods?labelSelector=app%3Ddemo-app%2Ctype%3Dweb&limit=2");
        Assert.Equal(200, status);
        Assert.Equal(2, page!["items"]!.AsArray().Count);
        var recordedMeta = Recordings.Exchange("exchanges/46-list-pods-paginated-limit-2.json")["response"]!["body"]!["metadata"]!;
        Assert.Equal(recordedMeta.AsObject().Select(p => p.Key), page["metadata"]!.AsObject().Select(p => p.Key));
        var (_, _, rest) = await client.SendAsync("GET", "/api/v1/namespaces/demo-app/pods?labelSelector=app%3Ddemo-app%2Ctype%3Dweb&limit=2&continue=" + Uri.EscapeDataString(page["metadata"]!["continue"]!.GetValue<string>()));
        Assert.Single(rest!["items"]!.AsArray());
        Assert.Null(rest["metadata"]!["continue"]);
        var (_, _, noSelector) = await client.SendAsync("GET", "/api/v1/namespaces/demo-app/pods?limit=1");
        Assert.Equal(Recordings.Exchange("v1.28/13f-list-pods-limit-1.json")["response"]!["body"]!["metadata"]!.AsObject().Select(p => p.Key), noSelector!["metadata"]!.AsObject().Select(p => p.Key));

        var exchange = Recordings.Exchange("v1.28/13c-watch-sendinitialevents-rejected.json");
        var (code, _, body) = await client.ReplayAsync(exchange);
        Assert.Equal(422, code);
        Shapes.AssertSame(exchange["response"]!["body"], body);
    }

    [Fact]
    public async Task Foreground_deletion_keeps_the_deployment_until_its_replica_sets_are_gone()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.ApplyAsync(Manifests.Namespace());
        await cluster.ApplyAsync(Manifests.Deployment());
        await cluster.Server.WaitForAsync("v1", "Namespace", string.Empty, Manifests.Ns, _ => cluster.Server.List("apps/v1", "ReplicaSet", Manifests.Ns).Count == 1, Timeout);
        var generation = cluster.Server.Get("apps/v1", "Deployment", Manifests.Ns, "demo-app-web")!["metadata"]!["generation"]!.GetValue<int>();
        using var client = new FakeClient(cluster.Server);
        var (status, _, body) = await client.SendAsync("DELETE", "/apis/apps/v1/namespaces/demo-app/deployments/demo-app-web?propagationPolicy=Foreground");
        Assert.Equal(200, status);
        var recorded = Recordings.Exchange("exchanges/60-delete-deployment-foreground.json")["response"]!["body"]!;
        Assert.Equal(recorded["metadata"]!.AsObject().Select(p => p.Key).Where(k => k != "annotations"), body!["metadata"]!.AsObject().Select(p => p.Key).Where(k => k != "annotations"));
        Assert.Equal("[\"foregroundDeletion\"]", body["metadata"]!["finalizers"]!.ToJsonString());
        Assert.Equal(0, body["metadata"]!["deletionGracePeriodSeconds"]!.GetValue<int>());
        Assert.Equal(generation + 1, body["metadata"]!["generation"]!.GetValue<int>());
        await cluster.Server.WaitForAsync("apps/v1", "Deployment", Manifests.Ns, "demo-app-web", d => d is null, Timeout);
        Assert.Empty(cluster.Server.List("apps/v1", "ReplicaSet", Manifests.Ns));
        var (code, _, missing) = await client.ReplayAsync(Recordings.Exchange("exchanges/62-get-deployment-after-foreground-delete.json"));
        Assert.Equal(404, code);
        Shapes.AssertSame(Recordings.Exchange("exchanges/62-get-deployment-after-foreground-delete.json")["response"]!["body"], missing);
        Assert.Empty(cluster.Server.ControllerErrors);
    }

    [Fact]
    public async Task A_deleted_pod_that_ignores_sigterm_is_killed_after_its_grace_period_and_goes_failed_then_away()
    {
        await using var cluster = await Cluster.StartAsync();
        cluster.Kubelet.ScriptCommand("httpd", new ContainerScript { IgnoreSigterm = true });
        await cluster.ApplyAsync(Manifests.Namespace());
        await cluster.ApplyAsync(Manifests.Pod("p", "httpd", restartPolicy: "Always"));
        await cluster.Server.WaitForAsync("v1", "Pod", Manifests.Ns, "p", p => p?["status"]?["containerStatuses"]?[0]?["ready"]?.GetValue<bool>() == true, Timeout);
        using var http = new HttpClient { BaseAddress = cluster.Server.Url };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", cluster.Server.Token);
        var watch = http.GetStringAsync($"/api/v1/namespaces/demo-app/pods?watch=1&timeoutSeconds=5&resourceVersion={cluster.Server.ResourceVersion}");
        using var client = new FakeClient(cluster.Server);
        var (status, _, deleted) = await client.SendAsync("DELETE", "/api/v1/namespaces/demo-app/pods/p");
        Assert.Equal(200, status);
        Assert.Equal(30, deleted!["metadata"]!["deletionGracePeriodSeconds"]!.GetValue<int>());
        var events = (await watch).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        var steps = events.Select(e => $"{e["type"]} {e["object"]!["status"]!["phase"]} {e["object"]!["metadata"]!["deletionGracePeriodSeconds"]}").ToList();
        Assert.Equal("MODIFIED Running 30", steps[0]);
        Assert.Contains("MODIFIED Failed 30", steps);
        Assert.Equal(["MODIFIED Failed 0", "DELETED Failed 0"], steps.TakeLast(2));
        var killed = events[^1]["object"]!["status"]!["containerStatuses"]![0]!["state"]!["terminated"]!;
        Assert.Equal(137, killed["exitCode"]!.GetValue<int>());
        Assert.Equal("Error", killed["reason"]!.GetValue<string>());
        var first = DateTimeOffset.Parse(events[0]["object"]!["metadata"]!["deletionTimestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var last = DateTimeOffset.Parse(events[^1]["object"]!["metadata"]!["deletionTimestamp"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromSeconds(30), first - last);
    }

    [Fact]
    public async Task Hpa_and_pdb_have_the_recorded_statuses_and_an_eviction_is_refused_with_429()
    {
        await using var cluster = await Cluster.StartAsync(o => o.HpaSyncPeriod = TimeSpan.FromMilliseconds(300));
        using var client = new FakeClient(cluster.Server);
        foreach (var file in new[] { "01a-apply-namespace", "01b-apply-secret-env", "01c-apply-secret-registry-dockerconfigjson", "01d-apply-deployment" })
        {
            await client.ReplayAsync(Recordings.Exchange($"v1.28/{file}.json"));
        }

        await cluster.Client.AppsV1.PatchNamespacedDeploymentScaleAsync(new k8s.Models.V1Patch("{\"spec\":{\"replicas\":1}}", k8s.Models.V1Patch.PatchType.MergePatch), "demo-app-web", "demo-app");
        await cluster.Server.WaitForAsync("apps/v1", "Deployment", "demo-app", "demo-app-web", d => d?["status"]?["availableReplicas"]?.GetValue<int>() == 1 && d["status"]?["replicas"]?.GetValue<int>() == 1, Timeout);
        foreach (var file in new[] { "11a-apply-hpa", "11d-apply-pdb" })
        {
            var exchange = Recordings.Exchange($"v1.28/{file}.json");
            var (status, _, body) = await client.ReplayAsync(exchange);
            Assert.Equal(201, status);
            Shapes.AssertSame(exchange["response"]!["body"], body, new HashSet<string> { "managedFields" });
        }

        var pdb = await cluster.Server.WaitForAsync("policy/v1", "PodDisruptionBudget", "demo-app", "demo-app-web", p => p?["status"]?["conditions"] is not null, Timeout);
        Shapes.AssertSame(Recordings.Exchange("v1.28/11f-get-pdb.json")["response"]!["body"], pdb, new HashSet<string> { "managedFields" });
        var hpa = await cluster.Server.WaitForAsync("autoscaling/v2", "HorizontalPodAutoscaler", "demo-app", "demo-app-web", h => h?["status"]?["conditions"] is not null, Timeout);
        Shapes.AssertSame(Recordings.Exchange("v1.28/11c-get-hpa.json")["response"]!["body"], hpa, new HashSet<string> { "managedFields" });

        var pod = cluster.Server.List("v1", "Pod", "demo-app").Single(p => p["metadata"]!["deletionTimestamp"] is null)["metadata"]!["name"]!.GetValue<string>();
        var eviction = Recordings.Exchange("v1.28/11g-post-eviction-blocked-by-pdb-429.json");
        var (code, _, refused) = await client.SendAsync("POST", $"/api/v1/namespaces/demo-app/pods/{pod}/eviction", JsonNode.Parse($"{{\"apiVersion\":\"policy/v1\",\"kind\":\"Eviction\",\"metadata\":{{\"name\":\"{pod}\",\"namespace\":\"demo-app\"}}}}"));
        Assert.Equal(429, code);
        Shapes.AssertSame(eviction["response"]!["body"], refused);
    }
}

using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Kubelet;
using Paas.Testing.Kubernetes.Tests.Support;

namespace Paas.Testing.Kubernetes.Tests;

/// <summary>Pod status from the scripted kubelet, EndpointSlices, namespace deletion.</summary>
public sealed class ControllerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static string? Waiting(JsonObject? p) => p?["status"]?["containerStatuses"]?[0]?["state"]?["waiting"]?["reason"]?.GetValue<string>();

    [Fact]
    public async Task A_crashing_container_goes_through_restarts_to_crash_loop_back_off()
    {
        await using var cluster = await Cluster.StartAsync();
        cluster.Kubelet.ScriptCommand("exit 3", new ContainerScript { ExitCode = 3, LogLines = ["starting"] });
        await cluster.ApplyAsync(Manifests.Namespace());
        await cluster.ApplyAsync(Manifests.Pod("demo-app-crash", "echo starting; exit 3", restartPolicy: "Always"));
        var pod = await cluster.Server.WaitForAsync("v1", "Pod", Manifests.Ns, "demo-app-crash",
            p => Waiting(p) == "CrashLoopBackOff" && p!["status"]!["containerStatuses"]![0]!["restartCount"]!.GetValue<int>() >= 2, Timeout);
        var cs = pod!["status"]!["containerStatuses"]![0]!;
        Assert.Equal(["name", "state", "lastState", "ready", "restartCount", "image", "imageID", "containerID", "started"], cs.AsObject().Select(p => p.Key));
        Assert.Matches(@"^back-off (10|20|40)s restarting failed container=main pod=demo-app-crash_demo-app\([0-9a-f-]{36}\)$", cs["state"]!["waiting"]!["message"]!.GetValue<string>());
        Assert.Equal(3, cs["lastState"]!["terminated"]!["exitCode"]!.GetValue<int>());
        Assert.Equal("Error", cs["lastState"]!["terminated"]!["reason"]!.GetValue<string>());
        Assert.Equal("Running", pod["status"]!["phase"]!.GetValue<string>());
        Assert.Equal("ContainersNotReady", pod["status"]!["conditions"]![1]!["reason"]!.GetValue<string>());

        using var http = new FakeClient(cluster.Server);
        using var response = await new HttpClient { BaseAddress = cluster.Server.Url, DefaultRequestHeaders = { Authorization = new("Bearer", cluster.Server.Token) } }
            .GetAsync("/api/v1/namespaces/demo-app/pods/demo-app-crash/log?previous=true");
        Assert.Equal("starting\n", await response.Content.ReadAsStringAsync());
        var events = cluster.Server.List("v1", "Event", Manifests.Ns);
        Assert.Contains(events, e => e["reason"]!.GetValue<string>() == "BackOff" && e["type"]!.GetValue<string>() == "Warning");
        Assert.Contains(events, e => e["reason"]!.GetValue<string>() == "Scheduled" && e["reportingComponent"]!.GetValue<string>() == "default-scheduler");
        Assert.Empty(cluster.Server.ControllerErrors);
    }

    [Theory]
    [InlineData(42, false, "Failed", "Error", 42)]
    [InlineData(0, false, "Succeeded", "Completed", 0)]
    [InlineData(null, true, "Failed", "OOMKilled", 137)]
    public async Task Never_pods_end_as_recorded(int? exit, bool oom, string phase, string reason, int code)
    {
        await using var cluster = await Cluster.StartAsync();
        cluster.Kubelet.ScriptCommand("once", new ContainerScript { ExitCode = exit, OomKilled = oom });
        await cluster.ApplyAsync(Manifests.Namespace());
        await cluster.ApplyAsync(Manifests.Pod("demo-app-once", "once"));
        var pod = await cluster.Server.WaitForAsync("v1", "Pod", Manifests.Ns, "demo-app-once", p => p?["status"]?["phase"]?.GetValue<string>() == phase, Timeout);
        var terminated = pod!["status"]!["containerStatuses"]![0]!["state"]!["terminated"]!;
        Assert.Equal(code, terminated["exitCode"]!.GetValue<int>());
        Assert.Equal(reason, terminated["reason"]!.GetValue<string>());
        Assert.Equal(["exitCode", "reason", "startedAt", "finishedAt", "containerID"], terminated.AsObject().Select(p => p.Key));
        var recorded = Recordings.Exchange(phase == "Succeeded" ? "v1.28/08f-get-pod-succeeded.json" : "v1.28/08c-get-pod-failed-exit-42.json")["response"]!["body"]!["status"]!;
        Assert.Equal(recorded["conditions"]!.AsArray().Select(c => c!.ToJsonString().Length > 0 ? $"{c["type"]}/{c["status"]}/{c["reason"]}" : string.Empty),
            pod["status"]!["conditions"]!.AsArray().Select(c => $"{c!["type"]}/{c["status"]}/{c["reason"]}"));
        Assert.Equal(recorded.AsObject().Select(p => p.Key), pod["status"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Endpoint_slices_follow_pods_and_keep_terminating_ones_serving()
    {
        await using var cluster = await Cluster.StartAsync();
        cluster.Kubelet.ScriptCommand("httpd", new ContainerScript { IgnoreSigterm = true });
        await cluster.ApplyAsync(Manifests.Namespace());
        await cluster.ApplyAsync(Manifests.Deployment());
        await cluster.ApplyAsync(Manifests.Service());
        static bool ReadyCount(IReadOnlyList<JsonObject> slices, int n) =>
            slices.Count == 1 && (slices[0]["endpoints"] as JsonArray ?? []).Count(e => e!["conditions"]!["ready"]!.GetValue<bool>()) == n;
        await WaitAsync(() => ReadyCount(cluster.Server.List("discovery.k8s.io/v1", "EndpointSlice", Manifests.Ns), 2));
        var slice = cluster.Server.List("discovery.k8s.io/v1", "EndpointSlice", Manifests.Ns, "kubernetes.io/service-name=demo-app-web").Single();
        var recorded = Recordings.Exchange("v1.28/04a-list-endpointslices.json")["response"]!["body"]!["items"]![0]!;
        Assert.Equal(recorded.AsObject().Select(p => p.Key).Prepend("apiVersion").Prepend("kind"), slice.Select(p => p.Key));
        Assert.Equal(recorded["ports"]!.ToJsonString(), slice["ports"]!.ToJsonString());
        Assert.Equal(recorded["metadata"]!["labels"]!.AsObject().Select(p => p.Key), slice["metadata"]!["labels"]!.AsObject().Select(p => p.Key));
        Assert.Equal(recorded["endpoints"]![0]!.AsObject().Select(p => p.Key), slice["endpoints"]![0]!.AsObject().Select(p => p.Key));
        Assert.StartsWith("demo-app-web-", slice["metadata"]!["name"]!.GetValue<string>(), StringComparison.Ordinal);

        using var http = new FakeClient(cluster.Server);
        await http.SendAsync("PATCH", "/apis/apps/v1/namespaces/demo-app/deployments/demo-app-web/scale", JsonNode.Parse("{\"spec\":{\"replicas\":1}}"), "application/merge-patch+json");
        await WaitAsync(() =>
        {
            var s = cluster.Server.List("discovery.k8s.io/v1", "EndpointSlice", Manifests.Ns).Single();
            return (s["endpoints"] as JsonArray ?? []).Any(e => e!["conditions"]!.ToJsonString() == "{\"ready\":false,\"serving\":true,\"terminating\":true}");
        });
        await WaitAsync(() => (cluster.Server.List("discovery.k8s.io/v1", "EndpointSlice", Manifests.Ns).Single()["endpoints"] as JsonArray ?? []).Count == 1);
        var d = await cluster.Server.WaitForAsync("apps/v1", "Deployment", Manifests.Ns, "demo-app-web", x => x?["status"]?["replicas"]?.GetValue<int>() == 1, Timeout);
        Assert.Equal(1, d!["status"]!["availableReplicas"]!.GetValue<int>());
        Assert.Empty(cluster.Server.ControllerErrors);
    }

    [Fact]
    public async Task Deleting_a_namespace_terminates_it_forbids_creates_and_then_it_is_gone()
    {
        await using var cluster = await Cluster.StartAsync(o => o.NamespaceDeletionDelay = TimeSpan.FromMilliseconds(300));
        cluster.Kubelet.ScriptCommand("httpd", new ContainerScript { IgnoreSigterm = true });
        await cluster.ApplyAsync(Manifests.Namespace());
        await cluster.ApplyAsync(Manifests.Deployment());
        await WaitAsync(() => cluster.Server.List("v1", "Pod", Manifests.Ns).Count == 2);
        using var http = new FakeClient(cluster.Server);
        var (status, _, body) = await http.SendAsync("DELETE", "/api/v1/namespaces/demo-app");
        Assert.Equal(200, status);
        Shapes.AssertSame(Recordings.Exchange("v1.28/12b-delete-namespace.json")["response"]!["body"], body);
        var late = Recordings.Exchange("exchanges/66-apply-configmap-in-terminating-namespace-403.json");
        (status, _, body) = await http.SendAsync("POST", "/api/v1/namespaces/demo-app/secrets", JsonNode.Parse("{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"late-config\"}}"));
        Assert.Equal(403, status);
        Assert.Equal(late["response"]!["body"]!["message"]!.GetValue<string>().Replace("configmaps", "secrets", StringComparison.Ordinal), body!["message"]!.GetValue<string>());
        var terminating = await cluster.Server.WaitForAsync("v1", "Namespace", string.Empty, Manifests.Ns, n => n?["status"]?["conditions"] is not null, Timeout);
        var recordedStatus = JsonNode.Parse(File.ReadAllText(Path.Combine(Schema.SharedRecordings.Directory(), "v1.28/12c-namespace-get-sequence-until-404.json")))!.AsArray()
            .First(x => x!["status"]?["conditions"] is not null)!["status"]!;
        Shapes.AssertSame(recordedStatus, terminating!["status"], new HashSet<string> { "message" });
        Assert.Equal("Some resources are remaining: pods. has 2 resource instances", terminating["status"]!["conditions"]![3]!["message"]!.GetValue<string>());
        await cluster.Server.WaitForAsync("v1", "Namespace", string.Empty, Manifests.Ns, n => n is null, Timeout);
        (status, _, body) = await http.SendAsync("GET", "/api/v1/namespaces/demo-app");
        Assert.Equal(404, status);
        Shapes.AssertSame(Recordings.Exchange("v1.28/12e-get-namespace-404.json")["response"]!["body"], body);
        (status, _, body) = await http.SendAsync("GET", "/api/v1/namespaces/demo-app/pods");
        Assert.Equal(200, status);
        Assert.Empty(body!["items"]!.AsArray());
        Assert.Empty(cluster.Server.ControllerErrors);
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = DateTimeOffset.UtcNow + Timeout;
        while (!condition())
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "condition not reached in time");
            await Task.Delay(25);
        }
    }
}

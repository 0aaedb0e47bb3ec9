using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes.Tests.Support;

namespace Paas.Testing.Kubernetes.Tests;

/// <summary>Replays the v1.28 recordings (a real node) and compares the shapes the controllers and the kubelet produce.</summary>
public sealed class ReplayNodeTests
{
    private static readonly HashSet<string> Generated = ["name", "generateName", "podIP", "ip", "containerID", "imageID", "hostIP", "nodeName", "addresses", "pod-template-hash", "annotations", "message", "fieldsV1", "resourceVersion", "generation", "observedGeneration", "managedFields", "volumes", "volumeMounts", "ownerReferences", "matchLabels", "labels", "selector"];

    [Fact]
    public async Task Creating_the_app_answers_and_settles_as_recorded()
    {
        await using var cluster = await Cluster.StartAsync();
        using var client = new FakeClient(cluster.Server);
        foreach (var file in new[] { "01a-apply-namespace", "01b-apply-secret-env", "01c-apply-secret-registry-dockerconfigjson", "01d-apply-deployment", "01e-apply-service" })
        {
            var exchange = Recordings.Exchange($"v1.28/{file}.json");
            var (status, _, body) = await client.ReplayAsync(exchange);
            Assert.True(status == 201, $"{file}: {status} {body?.ToJsonString()}");
            Shapes.AssertSame(exchange["response"]!["body"], body);
        }

        var d = await cluster.Server.WaitForAsync("apps/v1", "Deployment", "demo-app", "demo-app-web",
            x => x?["status"]?["conditions"]?.AsArray().Any(c => c?["reason"]?.GetValue<string>() == "NewReplicaSetAvailable") == true, TimeSpan.FromSeconds(20));
        Shapes.AssertSame(Recordings.Exchange("v1.28/02b-get-deployment-available.json")["response"]!["body"], d, Generated);

        var (_, _, rsList) = await client.ReplayAsync(Recordings.Exchange("v1.28/02c-list-replicasets.json"));
        Shapes.AssertSame(Recordings.Exchange("v1.28/02c-list-replicasets.json")["response"]!["body"], rsList, Generated);

        var pod = cluster.Server.List("v1", "Pod", "demo-app")[0];
        pod.Remove("kind");
        pod.Remove("apiVersion");
        var recordedPod = Recordings.Exchange("v1.28/02e-get-pod-running.json")["response"]!["body"]!.AsObject();
        recordedPod.Remove("kind");
        recordedPod.Remove("apiVersion");
        Shapes.AssertSame(recordedPod, pod, Generated);

        var (_, _, slices) = await client.ReplayAsync(Recordings.Exchange("v1.28/04a-list-endpointslices.json"));
        Shapes.AssertSame(Recordings.Exchange("v1.28/04a-list-endpointslices.json")["response"]!["body"], slices, Generated);
        var (_, _, endpoints) = await client.ReplayAsync(Recordings.Exchange("v1.28/04j-get-endpoints-v1.json"));
        Shapes.AssertSame(Recordings.Exchange("v1.28/04j-get-endpoints-v1.json")["response"]!["body"], endpoints, Generated);
        Assert.Empty(cluster.Server.ControllerErrors);
    }

    [Fact]
    public async Task A_pod_watch_across_creation_sees_the_recorded_status_steps()
    {
        await using var cluster = await Cluster.StartAsync();
        using var client = new FakeClient(cluster.Server);
        foreach (var file in new[] { "01a-apply-namespace", "01b-apply-secret-env", "01c-apply-secret-registry-dockerconfigjson" })
        {
            await client.ReplayAsync(Recordings.Exchange($"v1.28/{file}.json"));
        }

        using var http = new HttpClient { BaseAddress = cluster.Server.Url };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", cluster.Server.Token);
        var watch = http.GetStringAsync($"/api/v1/namespaces/demo-app/pods?watch=1&timeoutSeconds=5&resourceVersion={cluster.Server.ResourceVersion}");
        await client.ReplayAsync(Recordings.Exchange("v1.28/01d-apply-deployment.json"));
        var lines = (await watch).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        static List<string> Steps(IEnumerable<JsonNode> events, string name) => [.. events
            .Where(e => e["object"]!["metadata"]!["name"]!.GetValue<string>() == name)
            .Select(e => e["type"]!.GetValue<string>() + " " + string.Join(",", e["object"]!["status"]!.AsObject().Select(p => p.Key))
                + " " + (e["object"]!["status"]!["containerStatuses"]?[0]?["state"]?.AsObject().Single().Key ?? "-")
                + " " + (e["object"]!["status"]!["containerStatuses"]?[0]?["ready"]?.ToJsonString() ?? "-"))];
        var recorded = Recordings.Exchange("v1.28/02g-watch-pods-create.json")["response"]!["body"]!.AsArray().Select(e => e!).ToList();
        // The second pod shows every step (the first became ready within one status sync).
        var recordedName = recorded[1]["object"]!["metadata"]!["name"]!.GetValue<string>();
        var ours = lines[0]["object"]!["metadata"]!["name"]!.GetValue<string>();
        Assert.Equal(Steps(recorded, recordedName), Steps(lines, ours));
    }

    [Fact]
    public async Task Deployment_status_goes_through_the_recorded_shapes_until_available()
    {
        await using var cluster = await Cluster.StartAsync();
        using var client = new FakeClient(cluster.Server);
        foreach (var file in new[] { "01a-apply-namespace", "01b-apply-secret-env", "01c-apply-secret-registry-dockerconfigjson" })
        {
            await client.ReplayAsync(Recordings.Exchange($"v1.28/{file}.json"));
        }

        using var http = new HttpClient { BaseAddress = cluster.Server.Url };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", cluster.Server.Token);
        var watch = http.GetStringAsync($"/apis/apps/v1/namespaces/demo-app/deployments?watch=1&timeoutSeconds=6&resourceVersion={cluster.Server.ResourceVersion}");
        await client.ReplayAsync(Recordings.Exchange("v1.28/01d-apply-deployment.json"));
        var ours = (await watch).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => Shape(JsonNode.Parse(l)!["object"]!["status"]!)).ToList();
        var recorded = JsonNode.Parse(File.ReadAllText(Path.Combine(Schema.SharedRecordings.Directory(), "v1.28/02a-deployment-status-until-available.json")))!.AsArray()
            .Select(x => Shape(x!["status"]!)).Distinct().ToList();
        var at = 0;
        foreach (var step in recorded)
        {
            var found = ours.FindIndex(at, x => x == step);
            Assert.True(found >= 0, $"recorded step {step} not seen after {at} in:\n{string.Join("\n", ours)}");
            at = found;
        }
    }

    [Fact]
    public async Task Deployment_status_goes_through_the_recorded_shapes_during_a_rollout()
    {
        await using var cluster = await Cluster.StartAsync();
        using var client = new FakeClient(cluster.Server);
        foreach (var file in new[] { "01a-apply-namespace", "01b-apply-secret-env", "01c-apply-secret-registry-dockerconfigjson", "01d-apply-deployment" })
        {
            await client.ReplayAsync(Recordings.Exchange($"v1.28/{file}.json"));
        }

        await cluster.Server.WaitForAsync("apps/v1", "Deployment", "demo-app", "demo-app-web",
            x => x?["status"]?["conditions"]?.AsArray().Any(c => c?["reason"]?.GetValue<string>() == "NewReplicaSetAvailable") == true, TimeSpan.FromSeconds(20));
        using var http = new HttpClient { BaseAddress = cluster.Server.Url };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", cluster.Server.Token);
        var watch = http.GetStringAsync($"/apis/apps/v1/namespaces/demo-app/deployments?watch=1&timeoutSeconds=6&resourceVersion={cluster.Server.ResourceVersion}");
        var (status, _, body) = await client.ReplayAsync(Recordings.Exchange("v1.28/03b-apply-deployment-new-env.json"));
        Assert.Equal(200, status);
        Assert.Equal(2, body!["metadata"]!["generation"]!.GetValue<int>());
        var ours = (await watch).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => Shape(JsonNode.Parse(l)!["object"]!["status"]!)).ToList();
        var recorded = JsonNode.Parse(File.ReadAllText(Path.Combine(Schema.SharedRecordings.Directory(), "v1.28/03c-deployment-status-rollout.json")))!.AsArray()
            .Where(x => x!["status"] is not null).Select(x => Shape(x!["status"]!)).Distinct().ToList();
        var at = 0;
        foreach (var step in recorded)
        {
            var found = ours.FindIndex(at, x => x == step);
            Assert.True(found >= 0, $"recorded step {step} not seen after {at} in:\n{string.Join("\n", ours)}\nrecorded:\n{string.Join("\n", recorded)}\n"
                + cluster.Server.Get("apps/v1", "Deployment", "demo-app", "demo-app-web")!["status"]!.ToJsonString());
            at = found;
        }
    }

    private static string Shape(JsonNode status) =>
        string.Join(",", status.AsObject().Select(p => p.Key)) + " | "
        + string.Join(",", (status["conditions"] as JsonArray ?? []).Select(c => $"{c!["type"]}/{c["status"]}/{c["reason"]}"));
}

using k8s;
using Paas.Testing.Kubernetes.Tests.Support;

namespace Paas.Testing.Kubernetes.Tests;

/// <summary>The Deployment, ReplicaSet, scheduler and kubelet simulation driven through KubernetesClient.</summary>
public sealed class RolloutTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static bool Complete(System.Text.Json.Nodes.JsonObject? d, int replicas)
    {
        var s = d?["status"];
        return s?["observedGeneration"]?.GetValue<long>() == d?["metadata"]?["generation"]?.GetValue<long>()
            && s?["updatedReplicas"]?.GetValue<int>() == replicas && s?["availableReplicas"]?.GetValue<int>() == replicas && s?["replicas"]?.GetValue<int>() == replicas
            && s?["conditions"]?.AsArray().Any(c => c?["type"]?.GetValue<string>() == "Progressing" && c?["reason"]?.GetValue<string>() == "NewReplicaSetAvailable") == true;
    }

    [Fact]
    public async Task A_deployment_becomes_available_and_rolls_out_a_new_release_with_max_unavailable_0()
    {
        await using var cluster = await Cluster.StartAsync();
        await cluster.ApplyAsync(Manifests.Namespace());
        var created = await cluster.ApplyAsync(Manifests.Deployment("r1"));
        Assert.Equal("{}", created["status"]!.ToJsonString());
        var d = await cluster.Server.WaitForAsync("apps/v1", "Deployment", Manifests.Ns, "demo-app-web", x => Complete(x, 2), Timeout);
        Assert.Equal(["observedGeneration", "replicas", "updatedReplicas", "readyReplicas", "availableReplicas", "conditions"], d!["status"]!.AsObject().Select(p => p.Key));
        Assert.Equal(["Available", "Progressing"], d["status"]!["conditions"]!.AsArray().Select(c => c!["type"]!.GetValue<string>()));

        var pods = await cluster.Client.CoreV1.ListNamespacedPodAsync(Manifests.Ns, labelSelector: "app=demo-app,type=web");
        Assert.Equal(2, pods.Items.Count);
        Assert.All(pods.Items, p =>
        {
            Assert.Equal("Running", p.Status.Phase);
            Assert.Equal(["Initialized", "Ready", "ContainersReady", "PodScheduled"], p.Status.Conditions.Select(c => c.Type));
            Assert.Equal("Burstable", p.Status.QosClass);
            Assert.StartsWith("10.244.0.", p.Status.PodIP, StringComparison.Ordinal);
            Assert.Equal("fake-node", p.Spec.NodeName);
            Assert.Matches("^demo-app-web-[a-z0-9]{1,10}-[a-z0-9]{5}$", p.Metadata.Name);
        });

        var rv = pods.Metadata.ResourceVersion;
        var seen = new List<(WatchEventType, string, bool)>();
        using var cts = new CancellationTokenSource(Timeout);
        var watchTask = Task.Run(async () =>
        {
            try
            {
                await foreach (var (type, pod) in cluster.Client.CoreV1.WatchListNamespacedPodAsync(Manifests.Ns, resourceVersion: rv, cancellationToken: cts.Token))
                {
                    lock (seen)
                    {
                        seen.Add((type, pod.Metadata.Name, pod.Status?.Conditions?.Any(c => c.Type == "Ready" && c.Status == "True") == true));
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        });

        var updated = await cluster.ApplyAsync(Manifests.Deployment("r2"));
        Assert.Equal(2, updated["metadata"]!["generation"]!.GetValue<int>());
        d = await cluster.Server.WaitForAsync("apps/v1", "Deployment", Manifests.Ns, "demo-app-web", x => Complete(x, 2), Timeout);
        Assert.Equal("2", d!["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>());
        var rss = cluster.Server.List("apps/v1", "ReplicaSet", Manifests.Ns);
        Assert.Equal(2, rss.Count);
        Assert.Contains(rss, rs => rs["spec"]!["replicas"]!.GetValue<int>() == 0 && rs["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>() == "1");
        Assert.Contains(rss, rs => rs["spec"]!["replicas"]!.GetValue<int>() == 2 && rs["metadata"]!["annotations"]!["deployment.kubernetes.io/revision"]!.GetValue<string>() == "2");

        await cluster.Server.WaitForAsync("v1", "Pod", Manifests.Ns, "unused", _ => cluster.Server.List("v1", "Pod", Manifests.Ns).Count == 2, Timeout);
        await cts.CancelAsync();
        await watchTask;
        lock (seen)
        {
            Assert.Contains(seen, e => e.Item1 == WatchEventType.Added);
            Assert.Contains(seen, e => e.Item1 == WatchEventType.Deleted);
        }

        Assert.Empty(cluster.Server.ControllerErrors);
    }
}

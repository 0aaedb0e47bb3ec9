using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using Paas.Testing.Kubernetes.Kubelet;

namespace Paas.Testing.Kubernetes.Tests.Support;

/// <summary>A fake server with fast timings and a KubernetesClient pointed at it.</summary>
public sealed class Cluster : IAsyncDisposable
{
    private Cluster(FakeKubernetesApiServer server, ScriptedFakeKubelet kubelet)
    {
        Server = server;
        Kubelet = kubelet;
        Client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = server.Url.ToString().TrimEnd('/'), AccessToken = server.Token });
    }

    public FakeKubernetesApiServer Server { get; }

    public ScriptedFakeKubelet Kubelet { get; }

    public k8s.Kubernetes Client { get; }

    public static async Task<Cluster> StartAsync(Action<FakeKubernetesOptions>? configure = null)
    {
        var kubelet = new ScriptedFakeKubelet();
        var options = new FakeKubernetesOptions { Kubelet = kubelet };
        configure?.Invoke(options);
        return new Cluster(await FakeKubernetesApiServer.StartAsync(options), kubelet);
    }

    /// <summary>Server-side apply as the platform does it.</summary>
    public async Task<JsonObject> ApplyAsync(JsonObject manifest, string manager = "paas", bool force = true)
    {
        var patch = new V1Patch(manifest.ToJsonString(), V1Patch.PatchType.ApplyPatch);
        var name = manifest["metadata"]!["name"]!.GetValue<string>();
        var ns = manifest["metadata"]!["namespace"]?.GetValue<string>();
        object result = manifest["kind"]!.GetValue<string>() switch
        {
            "Namespace" => await Client.CoreV1.PatchNamespaceAsync(patch, name, fieldManager: manager, force: force),
            "Deployment" => await Client.AppsV1.PatchNamespacedDeploymentAsync(patch, name, ns, fieldManager: manager, force: force),
            "Service" => await Client.CoreV1.PatchNamespacedServiceAsync(patch, name, ns, fieldManager: manager, force: force),
            "Secret" => await Client.CoreV1.PatchNamespacedSecretAsync(patch, name, ns, fieldManager: manager, force: force),
            "Pod" => await Client.CoreV1.PatchNamespacedPodAsync(patch, name, ns, fieldManager: manager, force: force),
            var k => throw new ArgumentException(k),
        };
        return JsonNode.Parse(KubernetesJson.Serialize(result))!.AsObject();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}

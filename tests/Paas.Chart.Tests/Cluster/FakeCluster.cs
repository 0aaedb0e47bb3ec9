using System.Text.Json.Nodes;
using Paas.Testing.Kubernetes;

namespace Paas.Chart.Tests.Cluster;

/// <summary>
/// The project's fake Kubernetes API server (Paas.Testing.Kubernetes, held to recordings of a real one) with a kubeconfig
/// for helm: what <c>lookup</c> and <c>--dry-run=server</c> need (discovery, GET and LIST of Secrets), without a cluster.
/// client-go sends no bearer token over plain HTTP, and the fake serves only plain HTTP and wants one, so helm talks to
/// a <see cref="TokenProxy"/> that adds it.
/// </summary>
internal sealed class FakeCluster : IAsyncDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("paas-chart-kube-").FullName;
    private readonly TokenProxy _proxy;

    private FakeCluster(FakeKubernetesApiServer server, TokenProxy proxy)
    {
        Server = server;
        _proxy = proxy;
        Kubeconfig = Path.Combine(_directory, "kubeconfig");
        File.WriteAllText(Kubeconfig, $"""
            apiVersion: v1
            kind: Config
            clusters:
              - name: fake
                cluster:
                  server: {proxy.Url.ToString().TrimEnd('/')}
            contexts:
              - name: fake
                context:
                  cluster: fake
                  namespace: {Rendering.ChartCase.Namespace}
            current-context: fake
            """);
    }

    /// <summary>The API server.</summary>
    public FakeKubernetesApiServer Server { get; }

    /// <summary>A kubeconfig file for it.</summary>
    public string Kubeconfig { get; }

    public static async Task<FakeCluster> StartAsync()
    {
        var server = await FakeKubernetesApiServer.StartAsync(new FakeKubernetesOptions { RunControllers = false });
        return new FakeCluster(server, await TokenProxy.StartAsync(server.Url, server.Token));
    }

    /// <summary>Creates a Secret with <paramref name="data"/> (values as text).</summary>
    public void CreateSecret(string ns, string name, IReadOnlyDictionary<string, string> data)
    {
        if (Server.Get("v1", "Namespace", "", ns) is null)
        {
            Server.Create(new JsonObject { ["apiVersion"] = "v1", ["kind"] = "Namespace", ["metadata"] = new JsonObject { ["name"] = ns } });
        }

        var encoded = new JsonObject();
        foreach (var (key, value) in data)
        {
            encoded[key] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(value));
        }

        Server.Create(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Secret",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns },
            ["type"] = "Opaque",
            ["data"] = encoded,
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await Server.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }
}

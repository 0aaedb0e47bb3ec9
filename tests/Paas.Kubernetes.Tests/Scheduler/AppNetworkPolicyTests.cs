using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Paas.Kubernetes.Images;
using Paas.Scheduling;
using Paas.Scheduling.Logs;
using Paas.Testing.Kubernetes;

namespace Paas.Kubernetes.Tests.Scheduler;

/// <summary>
/// The app's NetworkPolicy as the scheduler writes it to the fake API server (which validates it against the recorded
/// networking.k8s.io/v1 document and defaults it as a real server does): written with the namespace, unchanged by a
/// second apply, updated when the router's labels change, and gone with the app.
/// </summary>
public sealed class AppNetworkPolicyTests : IAsyncLifetime
{
    private const string App = "hello";
    private const string Namespace = "paas-hello";
    private const string Policy = "hello-isolation";
    private readonly string _logs = Directory.CreateTempSubdirectory("paas-k8s-policy-").FullName;
    private readonly KubernetesOptions _options = new() { RouterNamespace = "paas-system", DestroyWait = TimeSpan.FromSeconds(20) };
    private FakeKubernetesApiServer _server = null!;
    private FileLogStore _logStore = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await FakeKubernetesApiServer.StartAsync(new FakeKubernetesOptions());
        _logStore = new FileLogStore(Path.Combine(_logs, "logs"));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _logStore.Dispose();
        Directory.Delete(_logs, recursive: true);
    }

    [Fact]
    public async Task The_policy_is_written_with_the_namespace_and_a_second_apply_changes_nothing()
    {
        await using var scheduler = NewScheduler();

        await scheduler.ReconcileAsync([Spec()], CancellationToken.None);
        var first = _server.Get("networking.k8s.io/v1", "NetworkPolicy", Namespace, Policy);
        await scheduler.ReconcileAsync([Spec()], CancellationToken.None);
        var second = _server.Get("networking.k8s.io/v1", "NetworkPolicy", Namespace, Policy);

        Assert.NotNull(first);
        Assert.Equal((string?)first["metadata"]!["resourceVersion"], (string?)second!["metadata"]!["resourceVersion"]);
        Assert.Equal(1, (long?)second["metadata"]!["generation"]);
        Assert.Equal("paas", (string?)second["metadata"]!["managedFields"]![0]!["manager"]);
        var spec = second["spec"]!;
        Assert.Equal(["Ingress"], spec["policyTypes"]!.AsArray().Select(t => (string?)t));
        Assert.Equal("{}", spec["podSelector"]!.ToJsonString());
        var router = spec["ingress"]![1]!;
        Assert.Equal("paas-system", (string?)router["from"]![0]!["namespaceSelector"]!["matchLabels"]![KubernetesNames.NamespaceNameLabel]);
        Assert.Equal("router", (string?)router["from"]![0]!["podSelector"]!["matchLabels"]!["app.kubernetes.io/component"]);
        Assert.Null(router["ports"]); // any port: each release's web port is its image's, and a rollout routes to two releases at once
        Assert.All(_server.Requests.Where(r => r.Path.Contains("networkpolicies", StringComparison.Ordinal)), r => Assert.True(r.Status < 400, $"{r.Method} {r.Path}: {r.Status}"));
    }

    [Fact]
    public async Task New_router_labels_update_the_policy_in_place()
    {
        await using (var scheduler = NewScheduler())
        {
            await scheduler.ReconcileAsync([Spec()], CancellationToken.None);
        }

        _options.RouterPodLabels = "app.kubernetes.io/component=router,app.kubernetes.io/instance=edge,app.kubernetes.io/name=paas";
        _options.RouterNamespace = "platform";
        await using (var scheduler = NewScheduler())
        {
            await scheduler.ReconcileAsync([Spec()], CancellationToken.None);
        }

        var policy = _server.Get("networking.k8s.io/v1", "NetworkPolicy", Namespace, Policy)!;
        var from = policy["spec"]!["ingress"]![1]!["from"]![0]!;
        Assert.Equal(2, (long?)policy["metadata"]!["generation"]);
        Assert.Equal("edge", (string?)from["podSelector"]!["matchLabels"]!["app.kubernetes.io/instance"]);
        Assert.Equal("platform", (string?)from["namespaceSelector"]!["matchLabels"]![KubernetesNames.NamespaceNameLabel]);
        Assert.Single(_server.List("networking.k8s.io/v1", "NetworkPolicy", Namespace));
    }

    [Fact]
    public async Task The_policy_goes_with_the_app()
    {
        await using var scheduler = NewScheduler();
        await scheduler.ReconcileAsync([Spec()], CancellationToken.None);

        await scheduler.DestroyAsync(App, CancellationToken.None);

        Assert.Null(_server.Get("networking.k8s.io/v1", "NetworkPolicy", Namespace, Policy));
        Assert.Null(_server.Get("v1", "Namespace", "", Namespace));
    }

    [Fact]
    public async Task Turned_off_the_policy_is_deleted_at_the_next_apply()
    {
        await using (var scheduler = NewScheduler())
        {
            await scheduler.ReconcileAsync([Spec()], CancellationToken.None);
        }

        _options.NetworkPolicy = false;
        await using (var scheduler = NewScheduler())
        {
            await scheduler.ReconcileAsync([Spec()], CancellationToken.None);
            await scheduler.ReconcileAsync([Spec()], CancellationToken.None); // already gone: the 404 is taken as done
        }

        Assert.Null(_server.Get("networking.k8s.io/v1", "NetworkPolicy", Namespace, Policy));
        Assert.NotNull(_server.Get("apps/v1", "Deployment", Namespace, "hello-web"));
    }

    private static DeploymentSpec Spec() =>
        new(App, 3, "127.0.0.1:5000/hello@sha256:5f3c1e2d4b6a79880c1d2e3f4a5b6c7d8e9f00112233445566778899aabbccdd", new Dictionary<string, string>(),
            new Dictionary<string, string> { ["web"] = "node server.js" }, new Dictionary<string, int> { ["web"] = 1 }, "abc1234");

    private KubernetesScheduler NewScheduler()
    {
        var client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = _server.Url.ToString(), AccessToken = _server.Token });
        return new KubernetesScheduler(client, Microsoft.Extensions.Options.Options.Create(_options), _logStore, new LauncherImages(), null, NullLogger<KubernetesScheduler>.Instance);
    }

    private sealed class LauncherImages : IImageInspector
    {
        public Task<ImageStart> InspectAsync(string image, CancellationToken cancellationToken) => Task.FromResult(new ImageStart(true));
    }
}

using k8s;
using Microsoft.Extensions.Logging.Abstractions;
using Paas.Kubernetes;
using Paas.Kubernetes.Images;
using Paas.Scheduling.Logs;
using Paas.Testing.Kubernetes;
using Paas.Testing.Kubernetes.Kubelet;

namespace Paas.Scheduling.Tests.Kubernetes;

/// <summary>
/// A <see cref="KubernetesScheduler"/> talking to a <see cref="FakeKubernetesApiServer"/> (the recorded behaviours of a real
/// API server; no cluster runs here) whose node is the given kubelet, with the app logs in a temporary folder.
/// </summary>
internal sealed class FakeCluster : IAsyncDisposable
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("paas-k8s-").FullName;
    private readonly IReplicaLease? _logLease;
    private readonly List<KubernetesScheduler> _replicas = [];

    private FakeCluster(FakeKubernetesApiServer server, KubernetesOptions options, IReplicaLease? logLease)
    {
        Server = server;
        Options = options;
        _logLease = logLease;
        Logs = new FileLogStore(Path.Combine(_dataDir, "logs"));
        Scheduler = NewScheduler(logLease);
    }

    public FakeKubernetesApiServer Server { get; }

    public KubernetesOptions Options { get; }

    /// <summary>Apps' logins to registries other than the platform's, as the controller keeps them.</summary>
    public TestRegistryLogins Logins { get; } = new();

    public FileLogStore Logs { get; }

    public KubernetesScheduler Scheduler { get; private set; }

    public IKubernetes Client { get; private set; } = null!;

    /// <param name="kubelet">The node.</param>
    /// <param name="configure">Changes the scheduler's options.</param>
    /// <param name="logLease">The scheduler's pod-logs lease, or null (it always follows).</param>
    public static async Task<FakeCluster> StartAsync(IFakeKubelet kubelet, Action<KubernetesOptions>? configure = null, IReplicaLease? logLease = null)
    {
        var server = await FakeKubernetesApiServer.StartAsync(new FakeKubernetesOptions { Kubelet = kubelet, ProgressDeadlineScale = 1.0 });
        var options = new KubernetesOptions { DeployTimeout = TimeSpan.FromSeconds(30), TerminationGracePeriod = TimeSpan.FromSeconds(3), DestroyWait = TimeSpan.FromSeconds(20) };
        configure?.Invoke(options);
        var cluster = new FakeCluster(server, options, logLease);
        await cluster.Scheduler.WaitForWatchesAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        return cluster;
    }

    /// <summary>Abandons the scheduler (its watches stop) and makes a new one, as a paasd restart does.</summary>
    public async Task RestartSchedulerAsync()
    {
        await Scheduler.DisposeAsync();
        Scheduler = NewScheduler(_logLease);
        await Scheduler.WaitForWatchesAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }

    /// <summary>Another replica's scheduler on the same cluster and the same (shared) log store, with its own pod-logs lease.</summary>
    public async Task<KubernetesScheduler> AddReplicaAsync(IReplicaLease logLease)
    {
        var replica = NewScheduler(logLease);
        _replicas.Add(replica);
        await replica.WaitForWatchesAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        return replica;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        await Scheduler.DisposeAsync();
        await Server.DisposeAsync();
        Logs.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }

    private KubernetesScheduler NewScheduler(IReplicaLease? logLease)
    {
        Client = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = Server.Url.ToString(), AccessToken = Server.Token });
        var streams = new k8s.Kubernetes(new KubernetesClientConfiguration { Host = Server.Url.ToString(), AccessToken = Server.Token, HttpClientTimeout = Timeout.InfiniteTimeSpan });
        return new KubernetesScheduler(Client, Microsoft.Extensions.Options.Options.Create(Options), Logs, new LauncherImages(), new TestPullCredentials(), NullLogger<KubernetesScheduler>.Instance, new KubernetesStreams(streams), Logins, logLease);
    }

    /// <summary>Every image here is taken to start with the launcher (the fake kubelet does not read images).</summary>
    private sealed class LauncherImages : IImageInspector
    {
        public Task<ImageStart> InspectAsync(string image, CancellationToken cancellationToken) => Task.FromResult(new ImageStart(true));
    }

    /// <summary>The platform's registry is 127.0.0.1:5000 (nodes may reach it as 127.0.0.1:5555); every other host is someone else's.</summary>
    private sealed class TestPullCredentials : IAppPullCredentials
    {
        public RegistryPullCredential? For(string app, string registry) =>
            registry is "127.0.0.1:5000" or "127.0.0.1:5555" ? new(registry, "paas-pull+" + app, "test-pull-secret") : null;
    }
}

/// <summary>Apps' logins to other registries, by app and lower-case registry host.</summary>
internal sealed class TestRegistryLogins : IAppRegistryLogins
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), RegistryLogin> _logins = new();

    public void Set(string app, string registry, string username, string password) => _logins[(app, registry.ToLowerInvariant())] = new RegistryLogin(username, password);

    public Task<RegistryLogin?> FindAsync(string app, string registry, CancellationToken cancellationToken) =>
        Task.FromResult(_logins.TryGetValue((app, registry.ToLowerInvariant()), out var login) ? login : null);
}

using Paas.Testing.Kubernetes.Kubelet;

namespace Paas.Testing.Kubernetes;

/// <summary>How the fake API server behaves.</summary>
public sealed class FakeKubernetesOptions
{
    /// <summary>The node's kubelet; null: a new <see cref="ScriptedFakeKubelet"/>. The server disposes it.</summary>
    public IFakeKubelet? Kubelet { get; set; }

    /// <summary>The one node's name (<c>spec.nodeName</c>, EndpointSlice <c>nodeName</c>, Event hosts).</summary>
    public string NodeName { get; set; } = "fake-node";

    /// <summary>The node's address (<c>status.hostIP</c> when the kubelet reports none).</summary>
    public string HostIp { get; set; } = "192.0.2.2";

    /// <summary>The recorded OpenAPI documents; null finds <c>shared/kubernetes/openapi</c> upwards from the test assembly.</summary>
    public string? OpenApiDirectory { get; set; }

    /// <summary>The bearer token accepted; null: a random one (see <see cref="FakeKubernetesApiServer.Token"/>).</summary>
    public string? Token { get; set; }

    /// <summary>The user the token authenticates (RBAC messages name it unless <c>Impersonate-User</c> is sent).</summary>
    public string UserName { get; set; } = "admin";

    /// <summary>The first resourceVersion (the counter is cluster-wide).</summary>
    public long InitialResourceVersion { get; set; } = 1000;

    /// <summary>How many changes the watch cache keeps; a watch from an older resourceVersion gets 410 Expired.</summary>
    public int WatchHistorySize { get; set; } = 5000;

    /// <summary>How often the simulated controllers look at the cluster besides reacting to changes.</summary>
    public TimeSpan ControllerInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Delay before the controllers react to a change (the real controller manager reacts in ~0.1-0.2 s).</summary>
    public TimeSpan ControllerDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Delay before the scheduler binds a new pod.</summary>
    public TimeSpan SchedulingDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The HPA controller's sync period (15 s on real clusters).</summary>
    public TimeSpan HpaSyncPeriod { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long the namespace controller waits before deleting a terminating namespace's content.</summary>
    public TimeSpan NamespaceDeletionDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>When watches with <c>allowWatchBookmarks</c> send the first BOOKMARK (about 60 s on real servers), then every this often.</summary>
    public TimeSpan BookmarkInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How much one second of <c>progressDeadlineSeconds</c> lasts (1 = real time; lower it to test ProgressDeadlineExceeded quickly).</summary>
    public double ProgressDeadlineScale { get; set; } = 1.0;

    /// <summary>
    /// Runs <c>pods/exec</c> commands; null: exec answers 400 (not simulated: the kubelet contract has no exec). The task's
    /// result is the exit code (non-zero: the recorded NonZeroExitCode Status on channel 3).
    /// </summary>
    public Func<Streaming.FakeExec, CancellationToken, Task<int>>? Exec { get; set; }

    /// <summary>Whether controllers run (off: only the API machinery; tests then write status themselves).</summary>
    public bool RunControllers { get; set; } = true;
}

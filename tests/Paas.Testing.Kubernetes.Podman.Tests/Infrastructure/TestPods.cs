namespace Paas.Testing.Kubernetes.Podman.Tests.Infrastructure;

/// <summary>Pod specs for the tests: one container <c>main</c> of <see cref="TestImage"/> running <c>sh -c SCRIPT</c>.</summary>
public static class TestPods
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    /// <summary>Options for tests: 1 s back-offs.</summary>
    public static PodmanFakeKubeletOptions FastOptions => new()
    {
        CrashBackOffBase = TimeSpan.FromSeconds(1),
        ImagePullBackOffBase = TimeSpan.FromSeconds(1),
        MaxBackOff = TimeSpan.FromSeconds(4),
    };

    public static FakePodSpec Shell(string name, string script, string restartPolicy = "Always") => new(
        Key: new FakePodKey("kubelet-tests", $"{name}-{Guid.NewGuid().ToString("N")[..6]}"),
        Uid: Guid.NewGuid().ToString(),
        Container: "main",
        Image: TestImage.Name,
        Command: ["sh", "-c"],
        Args: [script],
        Env: [],
        Ports: [],
        RestartPolicy: restartPolicy,
        MemoryLimitBytes: null,
        CpuLimitMillicores: null,
        Readiness: null,
        Liveness: null,
        Stdin: false,
        StdinOnce: false,
        Tty: false,
        PullAuth: null,
        ActiveDeadlineSeconds: null,
        TerminationGracePeriodSeconds: 30,
        WorkingDir: null,
        RunAsUser: null);

    /// <summary>busybox httpd on $PORT (5000) as PID 1 (it ignores SIGTERM, like the recorded web pods), ready on a TCP probe.</summary>
    public static FakePodSpec Web(string name) => Shell(name, "echo \"starting release $RELEASE on port $PORT\"; exec httpd -f -vv -p $PORT -h /www") with
    {
        Env = [new("PORT", "5000"), new("RELEASE", "r1")],
        Ports = [new FakeContainerPort("http", 5000)],
        Readiness = new FakeProbe(TcpPort: 5000, HttpPath: null, HttpPort: null, InitialDelaySeconds: 0, PeriodSeconds: 1),
        TerminationGracePeriodSeconds = 1,
    };

    public static bool IsRunning(FakeContainerStatus s) => s.State is FakeContainerState.Running;

    public static FakeContainerState.Terminated? Terminated(FakeContainerStatus s) => s.State as FakeContainerState.Terminated;

    public static string? WaitingReason(FakeContainerStatus s) => (s.State as FakeContainerState.Waiting)?.Reason;
}

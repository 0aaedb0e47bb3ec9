namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>How <see cref="PodmanFakeKubelet"/> runs podman and how fast it backs off.</summary>
public sealed class PodmanFakeKubeletOptions
{
    /// <summary>The podman executable (default <c>podman</c>, looked up on PATH).</summary>
    public string PodmanPath { get; init; } = "podman";

    /// <summary>The OCI runtime given as <c>podman --runtime</c> (default <c>runc</c>: crun fails on these machines).</summary>
    public string Runtime { get; init; } = "runc";

    /// <summary>Arguments added to every <c>podman create</c> (default: the ulimits these machines accept).</summary>
    public IReadOnlyList<string> CreateArguments { get; init; } =
        ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"];

    /// <summary>
    /// The first crash back-off (Kubernetes: 10 s). The first restart is immediate, the next ones wait
    /// base, 2 x base, 4 x base... up to <see cref="MaxBackOff"/>, as the kubelet does (06b).
    /// </summary>
    public TimeSpan CrashBackOffBase { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The first image pull back-off (Kubernetes: 10 s): after <c>ErrImagePull</c> the kubelet waits this long, reports
    /// <c>ImagePullBackOff</c>, waits as long again and pulls again; it doubles on every failure up to <see cref="MaxBackOff"/>.
    /// </summary>
    public TimeSpan ImagePullBackOffBase { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest back-off (Kubernetes: 300 s).</summary>
    public TimeSpan MaxBackOff { get; init; } = TimeSpan.FromSeconds(300);

    /// <summary>How many bytes of log one run keeps in memory (the oldest lines go first; default 4 MiB).</summary>
    public long MaxLogBytesPerRun { get; init; } = 4 * 1024 * 1024;

    /// <summary>Whether pulls check TLS (default false: the platform's registries in tests are plain HTTP on loopback).</summary>
    public bool PullTlsVerify { get; init; }

    /// <summary>How long one podman command (create, inspect, rm, pull) may take before it is killed (default 2 minutes).</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromMinutes(2);
}

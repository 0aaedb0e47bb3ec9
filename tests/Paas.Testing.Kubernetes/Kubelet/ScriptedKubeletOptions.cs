namespace Paas.Testing.Kubernetes.Kubelet;

/// <summary>Timings and addresses of a <see cref="ScriptedFakeKubelet"/> (real clusters: pull 1.6-1.8 s, ready 1-2 s later, back-offs 10/20/40 s).</summary>
public sealed class ScriptedKubeletOptions
{
    /// <summary>How long ContainerCreating (pull and create) lasts.</summary>
    public TimeSpan PullDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long after running the container becomes ready.</summary>
    public TimeSpan ReadyDelay { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long one nominal second of back-off (10 s, 20 s, 40 s...; image pull back-off too) lasts.</summary>
    public TimeSpan BackOffSecond { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How long one second of a termination grace period lasts (for containers that ignore SIGTERM).</summary>
    public TimeSpan GraceSecond { get; set; } = TimeSpan.FromMilliseconds(10);

    /// <summary>How long a container that honours SIGTERM takes to exit.</summary>
    public TimeSpan StopDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>The first three octets of pod addresses (pods get .2, .3... as on the recorded CNI bridge).</summary>
    public string PodNetwork { get; set; } = "10.244.0.";

    /// <summary>The node's address reported as <c>hostIP</c>.</summary>
    public string HostIp { get; set; } = "192.0.2.2";
}

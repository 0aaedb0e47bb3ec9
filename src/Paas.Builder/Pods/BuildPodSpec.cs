namespace Paas.Builder;

/// <summary>
/// A build pod, as the builder asks for it; the implementation writes it as a <c>v1 Pod</c> with <c>restartPolicy: Never</c>,
/// <c>automountServiceAccountToken: false</c>, a non-root security context and the labels
/// <c>app.kubernetes.io/part-of=paas</c>, <c>app.kubernetes.io/component=build</c> (which the chart's NetworkPolicies select).
/// </summary>
/// <param name="Namespace">The namespace.</param>
/// <param name="Name">The pod's name (a DNS-1123 subdomain): <c>build-APP-SHA7-RANDOM</c>.</param>
/// <param name="App">The app being built (label <c>paas.io/app</c>).</param>
/// <param name="Image">The build image.</param>
/// <param name="Command">The container's command (replaces the image's entrypoint).</param>
/// <param name="Environment">The container's environment: no secrets (config vars travel inside the source download).</param>
/// <param name="CpuLimit">The CPU limit, a Kubernetes quantity (<c>1</c>, <c>500m</c>).</param>
/// <param name="MemoryLimit">The memory limit and request, a Kubernetes quantity (<c>2Gi</c>).</param>
/// <param name="Deadline">The pod's <c>activeDeadlineSeconds</c> (rounded up to whole seconds).</param>
/// <param name="RunAsUser">The uid and gid of the container (not 0).</param>
public sealed record BuildPodSpec(
    string Namespace,
    string Name,
    string App,
    string Image,
    IReadOnlyList<string> Command,
    IReadOnlyDictionary<string, string> Environment,
    string CpuLimit,
    string MemoryLimit,
    TimeSpan Deadline,
    long RunAsUser);

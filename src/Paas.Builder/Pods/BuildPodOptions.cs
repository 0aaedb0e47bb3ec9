namespace Paas.Builder;

/// <summary>
/// Settings of builds in Kubernetes build Pods (<c>Builder:Pods</c>). Whether they are used at all is decided by the host
/// from <see cref="InPods"/>; the rest only matters then.
/// </summary>
public sealed class BuildPodOptions
{
    /// <summary>
    /// <c>auto</c> (default): build in pods when the builder runs in a Kubernetes pod with a service account (the chart's
    /// builder), else locally, also with <c>PAAS_SCHEDULER=kubernetes</c> on a machine outside the cluster; <c>true</c>: always
    /// in pods (outside a cluster it needs <c>PAAS_KUBECONFIG</c> and <see cref="Namespace"/>); <c>false</c>: never
    /// (env <c>PAAS_BUILD_IN_PODS</c>).
    /// </summary>
    public string InPods { get; set; } = "auto";

    /// <summary>The build image (env <c>PAAS_BUILD_IMAGE</c>): the stack plus the buildpacks at <see cref="BuildpacksDir"/>, sh,
    /// curl, tar, gzip and git; required for builds in pods.</summary>
    public string? Image { get; set; }

    /// <summary>The namespace build pods run in (env <c>PAAS_BUILD_NAMESPACE</c>); default: the builder's own pod's namespace
    /// (its service account's <c>namespace</c> file), where the chart's NetworkPolicies apply.</summary>
    public string? Namespace { get; set; }

    /// <summary>The CPU limit of a build pod, a Kubernetes quantity (env <c>PAAS_BUILD_CPU_LIMIT</c>); default <c>1</c> (one core).
    /// The request is a tenth of it.</summary>
    public string CpuLimit { get; set; } = "1";

    /// <summary>The memory limit (and request) of a build pod, a Kubernetes quantity (env <c>PAAS_BUILD_MEMORY_LIMIT</c>);
    /// default <c>2Gi</c>. A build that needs more is OOM-killed and the push refused with a line saying so.</summary>
    public string MemoryLimit { get; set; } = "2Gi";

    /// <summary>
    /// The builder's base URL as build pods reach it (env <c>PAAS_BUILD_CALLBACK_URL</c>), where they download the source and
    /// upload the slug through one-time URLs; default: <c>PAAS_BUILDER_URL</c> (the chart's builder Service).
    /// </summary>
    public string? BuilderUrl { get; set; }

    /// <summary>Where the build image holds the built-in buildpacks (<c>NAME/bin/detect</c>...); default <c>/opt/paas/buildpacks</c>.</summary>
    public string BuildpacksDir { get; set; } = "/opt/paas/buildpacks";

    /// <summary>The largest slug a build pod may upload, in bytes (gzip-compressed tar); default 2 GiB. A larger upload is
    /// refused (413) and the build fails.</summary>
    public long MaxSlugBytes { get; set; } = 2L << 30;

    /// <summary>
    /// The largest build cache a build pod may hand back, in bytes (gzip-compressed tar of CACHE_DIR; env
    /// <c>PAAS_BUILD_MAX_CACHE_BYTES</c>); default 1 GiB. A larger upload is refused (413): the build still succeeds, says
    /// <c>Build cache not stored: it is larger than the limit...</c>, and the app keeps its previous cache (see
    /// <see cref="PodCompiler"/>).
    /// </summary>
    public long MaxCacheBytes { get; set; } = 1L << 30;

    /// <summary>
    /// The most a slug or build cache a build pod sent may hold once unpacked, in bytes (the sum of its files' sizes; env
    /// <c>PAAS_BUILD_MAX_UNPACKED_BYTES</c>); default 8 GiB. A gzip stream can expand a thousandfold, so the compressed
    /// limits alone do not protect the builder's volume: past this, the slug is refused (the build fails) and a cache is
    /// not stored (the build succeeds).
    /// </summary>
    public long MaxUnpackedBytes { get; set; } = 8L << 30;

    /// <summary>The uid (and gid) the build pod runs as; default 1000, the stack's <c>paas</c> user. Never 0.</summary>
    public long RunAsUser { get; set; } = StackContract.UserId;
}

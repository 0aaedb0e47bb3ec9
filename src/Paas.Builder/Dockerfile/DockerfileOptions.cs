namespace Paas.Builder;

/// <summary>
/// How apps with a <c>Dockerfile</c> are built (<c>Builder:Dockerfile</c>): with buildah (<c>buildah bud</c>, no daemon), each app
/// with a storage and a layer cache of its own under the builder's work folder. The host turns them on when its scheduler runs
/// images (podman, Kubernetes); the local process runtime runs only buildpack slugs.
/// </summary>
public sealed class DockerfileOptions
{
    /// <summary>The sentence a Dockerfile build is refused with when the platform cannot run its image; the default says the local runtime cannot.</summary>
    public const string LocalRuntimeRefusal = "this app is built from its Dockerfile, and this platform runs apps as local processes (PAAS_SCHEDULER=local), which run buildpack builds only: start paasd with PAAS_SCHEDULER=podman (or kubernetes) to build and run Dockerfile apps, or make it a buildpack app (a package.json, a .csproj, an index.html) and set PAAS_BUILDER=buildpacks";

    /// <summary>
    /// Why Dockerfile builds are refused here (shown to the pusher), or null when they run. Default:
    /// <see cref="LocalRuntimeRefusal"/>; paasd sets null when <c>PAAS_SCHEDULER</c> is <c>podman</c> or <c>kubernetes</c> and
    /// builds do not run in build pods.
    /// </summary>
    public string? Refusal { get; set; } = LocalRuntimeRefusal;

    /// <summary>The buildah executable (<c>Builder:Dockerfile:Buildah</c>); default <c>buildah</c> from <c>PATH</c>.</summary>
    public string Buildah { get; set; } = "buildah";

    /// <summary>
    /// Arguments added to every <c>buildah bud</c> (<c>Builder:Dockerfile:RuntimeArguments</c>). Default: the OCI
    /// runtime runc and explicit ulimits (<c>--runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024</c>): crun and the
    /// default ulimits fail on hosts with hybrid cgroups.
    /// </summary>
    public IList<string> RuntimeArguments { get; } = ["--runtime", "runc", "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"];
}

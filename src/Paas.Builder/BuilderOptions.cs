namespace Paas.Builder;

/// <summary>
/// The builder's settings, bound from the <c>Builder</c> configuration section. The host (paasd) fills in the data folder
/// and the registry target; the rest have defaults.
/// </summary>
public sealed class BuilderOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Builder";

    /// <summary>The platform's data folder (repositories, caches and build folders live under it); required.</summary>
    public string DataDir { get; set; } = "";

    /// <summary>
    /// Where build working folders and build caches live (<c>Builder:WorkDir</c>). Default (null): the data folder, or,
    /// when the platform runs as root, <c>TMPDIR/paas-work-HASH</c>, a folder the unprivileged build user can enter.
    /// </summary>
    public string? WorkDir { get; set; }

    /// <summary>The folder holding the built-in buildpacks (<c>&lt;name&gt;/bin/detect</c> ...); default: <c>buildpacks</c> next to the assembly.</summary>
    public string BuildpacksDir { get; set; } = Path.Combine(AppContext.BaseDirectory, "buildpacks");

    /// <summary>The built-in buildpacks tried by detection, in order.</summary>
    public IList<string> DetectOrder { get; } = ["nodejs", "dotnet", "static", "procfile"];

    /// <summary>How long one build may run (detect + compile + release + export) before it is stopped; default 15 minutes.</summary>
    public TimeSpan BuildTimeout { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// The largest pack a push may send, in bytes (git's <c>receive.maxInputSize</c>); a larger push is refused by git with
    /// "pack exceeds maximum allowed size" and changes nothing. Default 1 GiB.
    /// </summary>
    public long MaxPushBytes { get; set; } = 1L << 30;

    /// <summary>
    /// How old a push's quarantine folder (<c>objects/tmp_objdir-incoming-*</c>, git's <c>receive-pack</c> keeps a push's
    /// objects there until the pre-receive hook accepts them; see git's <c>git-receive-pack</c> "QUARANTINE ENVIRONMENT")
    /// must be before the <see cref="QuarantineSweeper"/> removes it as left by a push that was killed
    /// (<c>Builder:QuarantineGracePeriod</c>). Quarantines of a repository that a push is being received into are never
    /// removed, whatever their age. The sweep runs at start and every half of this period. Default 1 hour; must be positive.
    /// </summary>
    public TimeSpan QuarantineGracePeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The controller API's base URL the builder calls with the pushing user's token; null: the local Kestrel's first address.</summary>
    public string? ControllerUrl { get; set; }

    /// <summary>The integrated registry's base URL (e.g. <c>http://127.0.0.1:5000</c>), resolved when a build pushes (the port may be chosen at start).</summary>
    public Func<string>? RegistryUrl { get; set; }

    /// <summary>The username the builder pushes images with (HTTP Basic).</summary>
    public string RegistryUsername { get; set; } = "paas-service";

    /// <summary>The secret the builder pushes images with, resolved when a build pushes.</summary>
    public Func<string>? RegistryPassword { get; set; }

    /// <summary>
    /// Whether buildpacks run as the app's own build user (<c>paas-build-APP</c>, see <see cref="BuildUsers"/>;
    /// <c>Builder:RunAsBuildUsers</c>). Null (default): when paasd runs as root. False runs them as paasd's own user,
    /// which lets every app's build read every other's; true without root fails each build.
    /// </summary>
    public bool? RunAsBuildUsers { get; set; }

    /// <summary>
    /// Whether <c>BUILDPACK_URL</c> and <c>.buildpacks</c> may name folders and <c>file://</c> repositories of the builder's
    /// machine (<c>Builder:LocalBuildpacks</c>, default false). For development and tests only: with it, anyone who may
    /// push runs code from any folder paasd can read, another app's repository included. Build pods are not concerned:
    /// a path there names the pod's own files.
    /// </summary>
    public bool LocalBuildpacks { get; set; }

    /// <summary>The <c>STACK</c> buildpacks see; the name of the stack <c>stack/build.sh</c> makes.</summary>
    public string Stack { get; set; } = "paas-22";

    /// <summary>
    /// The stack as an OCI image layout directory (<c>Builder:StackImage</c>, env <c>PAAS_STACK_IMAGE</c>; the path
    /// <c>stack/build.sh</c> prints). When set, paasd imports it into its registry as <c>paas/stack</c> at start and every
    /// build's image is the stack's layers + the slug + the launcher's config, runnable by podman or Kubernetes. Null
    /// (default): slug-only images, enough for the local process runtime. A path that is not a readable layout holding
    /// one image stops paasd at start.
    /// </summary>
    public string? StackImage { get; set; }

    /// <summary>Builds in Kubernetes build Pods (<c>Builder:Pods</c>, see <see cref="BuildPodOptions"/>).</summary>
    public BuildPodOptions Pods { get; set; } = new();

    /// <summary>Builds of apps with a <c>Dockerfile</c> (<c>Builder:Dockerfile</c>, see <see cref="DockerfileOptions"/>).</summary>
    public DockerfileOptions Dockerfile { get; set; } = new();
}

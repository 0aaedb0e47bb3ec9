using Paas.Oci;

namespace Paas.Builder;

/// <summary>The state of one build as the pipeline's steps fill it in.</summary>
internal sealed class BuildRun(PendingPush push, BuildOutput output, CancellationToken timeout)
{
    /// <summary>The push being built.</summary>
    public PendingPush Push { get; } = push;

    /// <summary>Where the pusher sees the build.</summary>
    public BuildOutput Output { get; } = output;

    /// <summary>Cancelled when the build timeout passes or the push is cancelled.</summary>
    public CancellationToken Timeout { get; } = timeout;

    /// <summary>The pushed commit (40 hex).</summary>
    public string Sha { get; set; } = "";

    /// <summary>The app's config vars.</summary>
    public IReadOnlyDictionary<string, string> Config { get; set; } = new Dictionary<string, string>();

    /// <summary>BUILD_DIR: the exported commit, compiled in place.</summary>
    public string AppDir => Path.Combine(Push.Directory, "app");

    /// <summary>ENV_DIR.</summary>
    public string EnvDir => Path.Combine(Push.Directory, "env");

    /// <summary>HOME of the buildpack processes.</summary>
    public string HomeDir => Path.Combine(Push.Directory, "home");

    /// <summary>TMPDIR of the buildpack processes.</summary>
    public string TmpDir => Path.Combine(Push.Directory, "tmp");

    /// <summary>The buildpacks to run, in order.</summary>
    public List<Buildpack> Buildpacks { get; } = [];

    /// <summary>The last buildpack's <c>bin/release</c> output (YAML, Heroku buildpack API), "" when it has none; set by the <see cref="ICompiler"/>.</summary>
    public string ReleaseYaml { get; set; } = "";

    /// <summary>The default process types before the <c>Procfile</c>: the last buildpack's <c>bin/release</c>, or a Dockerfile image's <c>CMD</c> as <c>web</c>.</summary>
    public IReadOnlyDictionary<string, string> DefaultProcessTypes { get; set; } = new Dictionary<string, string>();

    /// <summary>Whether the image is built from the commit's <c>Dockerfile</c> (see <see cref="DockerfileBuilder"/>) rather than by buildpacks.</summary>
    public bool FromDockerfile { get; set; }

    /// <summary>How many files <c>.slugignore</c> removed from <see cref="AppDir"/> (a Dockerfile build gets them back: Heroku applies the file to slugs only).</summary>
    public int SlugIgnored { get; set; }

    /// <summary>The image a Dockerfile build made, by its id in the app's buildah storage.</summary>
    public string ImageId { get; set; } = "";

    /// <summary>Process type to command.</summary>
    public IReadOnlyDictionary<string, string> ProcessTypes { get; set; } = new Dictionary<string, string>();

    /// <summary>The slug's layers, base first (see <see cref="SlugLayer"/>), each annotated <c>io.paas.layer: slug</c>.</summary>
    public IReadOnlyList<SlugLayerFile> SlugLayers { get; set; } = [];

    /// <summary>The process types layer (images on a stack only; see <see cref="StackContract.ProcessTypesPath"/>).</summary>
    public Descriptor? TypesLayer { get; set; }

    /// <summary>The tar digest of <see cref="TypesLayer"/>.</summary>
    public Digest TypesDiffId { get; set; }

    /// <summary>The stack the image is built on, or null for a slug-only image.</summary>
    public StackImage? Stack { get; set; }

    /// <summary>The pushed image, pinned by digest.</summary>
    public string Image { get; set; } = "";

    /// <summary>The release the build made.</summary>
    public int Version { get; set; }
}

namespace Paas.Builder;

/// <summary>
/// Maps the builder's on-disk layout under the platform's data folder:
/// <code>
/// DATA_DIR/
///   git/
///     APP.git/              bare repository per app (made on first push or clone)
///       hooks/pre-receive   written by the builder: hands the push to the build (see PreReceiveHook)
///   cache/
///     APP/                  CACHE_DIR given to bin/compile, kept between builds (node versions, npm cache)
///   builds/
///     PUSH-ID/              one push, deleted when it ends
///       refs                "old new ref" lines from the hook
///       objects, alternates the quarantine object folders the hook saw
///       app/                BUILD_DIR: the exported commit, compiled in place, then the slug
///       env/                ENV_DIR: one file per config var
///       home/               HOME of the buildpack processes
/// </code>
/// </summary>
internal sealed class BuilderPaths(string dataDir)
{
    /// <summary>The data folder.</summary>
    public string DataDir { get; } = Path.GetFullPath(dataDir);

    /// <summary>The bare repository of <paramref name="app"/>.</summary>
    public string Repository(string app) => Path.Combine(DataDir, "git", app + ".git");

    /// <summary>The build cache of <paramref name="app"/>.</summary>
    public string Cache(string app) => Path.Combine(DataDir, "cache", app);

    /// <summary>The working folder of one push.</summary>
    public string Push(string pushId) => Path.Combine(DataDir, "builds", pushId);
}

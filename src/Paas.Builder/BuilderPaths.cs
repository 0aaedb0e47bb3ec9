namespace Paas.Builder;

/// <summary>
/// Maps the builder's on-disk layout. Repositories live in the platform's data folder; what buildpacks touch lives in the
/// work folder (<see cref="BuilderOptions.WorkDir"/>), which is the data folder too unless the platform runs as root: then
/// buildpacks run as an unprivileged user that could not enter a data folder under a private parent (<c>/root</c> is 0700),
/// so the work folder is <c>TMPDIR/paas-work-HASH</c> (mode 0711, HASH from the data folder's path).
/// <code>
/// DATA_DIR/
///   git/
///     APP.git/              bare repository per app (made on first push or clone)
///       hooks/pre-receive   written by the builder: hands the push to the build (see PreReceiveHook)
///       objects/tmp_objdir-incoming-XXXXXX/  a push's quarantine while receive-pack runs (git 2.13+; incoming-XXXXXX
///                           before): moved into objects/ when the hook accepts, left behind when receive-pack is
///                           killed; swept once old (QuarantineSweeper)
///   slug-layers/
///     APP/                  the compressed layers of the app's last slug, DIFFID.DIGEST.tar.gz, reused when unchanged
/// WORK_DIR/
///   cache/
///     APP/                  CACHE_DIR given to bin/compile, kept between builds (node versions, npm cache); for a pod
///                           build, sent to the pod and replaced by the one it sends back (PodCompiler)
///   builds/
///     PUSH-ID/              one push, deleted when it ends
///       refs                "old new ref" lines from the hook
///       objects, alternates the quarantine object folders the hook saw
///       app/                BUILD_DIR: the exported commit, compiled in place, then the slug
///       env/                ENV_DIR: one file per config var
///       home/               HOME of the buildpack processes
///       source.tar.gz, cache-download.tar.gz   a pod build's downloads (SlugArchive)
///       slug-upload.tar.gz, cache-upload.tar.gz   a pod build's uploads, unpacked into slug-in/ and cache-in/
///       cache-previous/     the app's cache a pod build replaced, deleted with the push
/// </code>
/// </summary>
internal sealed class BuilderPaths(string dataDir, string? workDir = null)
{
    /// <summary>The data folder.</summary>
    public string DataDir { get; } = Path.GetFullPath(dataDir);

    /// <summary>The folder of build working folders and caches (see the class summary).</summary>
    public string WorkDir { get; } = Path.GetFullPath(workDir ?? dataDir);

    /// <summary>The file in a work folder under TMPDIR that names its data folder, so a start can tell an orphaned one (<see cref="OrphanedWorkDirs"/>).</summary>
    public const string DataDirMarker = "data-dir";

    /// <summary>
    /// The work folder to use for <paramref name="dataDir"/>: the data folder, or when root a traversable one under TMPDIR
    /// (<c>TMPDIR/paas-work-HASH</c>, with a <see cref="DataDirMarker"/> file naming the data folder).
    /// </summary>
    public static string DefaultWorkDir(string dataDir)
    {
        if (!System.Environment.IsPrivilegedProcess || OperatingSystem.IsWindows())
        {
            return dataDir;
        }

        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Path.GetFullPath(dataDir))))[..12];
        var work = Path.Combine(Path.GetTempPath(), "paas-work-" + hash);
        foreach (var folder in new[] { work, Path.Combine(work, "builds"), Path.Combine(work, "cache") })
        {
            AppFiles.CreateFolder(folder, AppFiles.TraversableFolder);
        }

        File.WriteAllText(Path.Combine(work, DataDirMarker), Path.GetFullPath(dataDir));
        return work;
    }

    /// <summary>
    /// The work folders under TMPDIR whose data folder no longer exists (a platform or test removed it): their build caches
    /// (Node.js, npm, node_modules: hundreds of MB each) would otherwise stay until the machine's TMPDIR is cleared.
    /// Folders without a <see cref="DataDirMarker"/> (made before it existed, or by another tool) are never listed.
    /// </summary>
    /// <returns>The orphaned folders.</returns>
    public static IEnumerable<string> OrphanedWorkDirs()
    {
        foreach (var work in Directory.EnumerateDirectories(Path.GetTempPath(), "paas-work-*"))
        {
            string? owner = null;
            try
            {
                owner = File.ReadAllText(Path.Combine(work, DataDirMarker)).Trim();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // no marker: not ours to judge
            }

            if (owner is { Length: > 0 } && !Directory.Exists(owner))
            {
                yield return work;
            }
        }
    }

    /// <summary>The folder holding every app's bare repository (<c>DATA_DIR/git</c>).</summary>
    public string Repositories => Path.Combine(DataDir, "git");

    /// <summary>The bare repository of <paramref name="app"/>.</summary>
    public string Repository(string app) => Path.Combine(Repositories, app + ".git");

    /// <summary>The build cache of <paramref name="app"/>.</summary>
    public string Cache(string app) => Path.Combine(WorkDir, "cache", app);

    /// <summary>The app's slug layers of its last build (<see cref="SlugLayer"/>), in the data folder, which buildpacks cannot write.</summary>
    /// <param name="app">The app's name.</param>
    /// <returns><c>DATA_DIR/slug-layers/APP</c>.</returns>
    public string SlugLayers(string app) => Path.Combine(DataDir, "slug-layers", app);

    /// <summary>An app's buildah storage for Dockerfile builds, its layer cache (<c>storage</c>, <c>run</c>); the builder's alone (0700).</summary>
    public string Buildah(string app) => Path.Combine(WorkDir, "buildah", app);

    /// <summary>
    /// The app names the builder keeps folders for (repositories, build caches, slug layers, Dockerfile layer caches), for the
    /// sweep of destroyed apps. Names that are no app name (a repository being created, <c>NAME.git.init-...</c>) are skipped.
    /// </summary>
    public IReadOnlySet<string> AppFolderNames()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (folder, suffix) in new[] { (Repositories, ".git"), (Path.Combine(WorkDir, "cache"), ""), (Path.Combine(DataDir, "slug-layers"), ""), (Path.Combine(WorkDir, "buildah"), "") })
        {
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var name in Directory.EnumerateDirectories(folder).Select(Path.GetFileName))
            {
                if (name is not null && name.EndsWith(suffix, StringComparison.Ordinal) && Paas.Domain.AppName.Validate(name[..^suffix.Length]) is null)
                {
                    names.Add(name[..^suffix.Length]);
                }
            }
        }

        return names;
    }

    /// <summary>The working folder of one push.</summary>
    public string Push(string pushId) => Path.Combine(WorkDir, "builds", pushId);
}

namespace Paas.Scheduling.Local;

/// <summary>
/// Where the local runtime keeps its files under the data folder:
/// <code>
/// DATA_DIR/
///   slugs/
///     sha256-&lt;hex&gt;/          one unpacked image per manifest digest, shared by every process of its releases
///       app/                  the slug (the process's working folder and HOME)
///     .tmp-&lt;random&gt;/          an unpack in progress (renamed into place when complete)
///   logs/
///     &lt;app&gt;.log, &lt;app&gt;.log.1  the app's log lines (see <see cref="Logs.FileLogStore"/>)
///   processes/
///     &lt;pid&gt;.json            one record per running process: pid, its start time, app, name; used after a platform
///                             crash to stop processes the previous platform process left behind
/// </code>
/// </summary>
public sealed class LocalPaths(string dataDirectory)
{
    /// <summary>The data folder.</summary>
    public string Root { get; } = Path.GetFullPath(dataDirectory);

    /// <summary>The folder of unpacked slugs.</summary>
    public string Slugs => Path.Combine(Root, "slugs");

    /// <summary>The folder of the log store.</summary>
    public string Logs => Path.Combine(Root, "logs");

    /// <summary>
    /// Each app's own copies of its releases' slugs when apps run as their own users (<c>DATA_DIR/app-slugs/APP/DIGEST</c>):
    /// the shared unpacked slug stays the platform's, so two apps running one image never share writable files.
    /// </summary>
    public string AppSlugs => Path.Combine(Root, "app-slugs");

    /// <summary>The app's copy of the unpacked slug whose app folder is <paramref name="sharedAppDirectory"/> (<c>slugs/DIGEST/app</c>).</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="sharedAppDirectory">The shared slug's app folder.</param>
    /// <returns><c>DATA_DIR/app-slugs/APP/DIGEST</c>.</returns>
    public string AppSlug(string app, string sharedAppDirectory) =>
        Path.Combine(AppSlugs, app, Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(sharedAppDirectory))!));

    /// <summary>The folder of running process records.</summary>
    public string Processes => Path.Combine(Root, "processes");

    /// <summary>The folder of one unpacked image.</summary>
    /// <param name="digest">The manifest digest, <c>sha256:...</c>.</param>
    /// <returns>The folder.</returns>
    public string Slug(string digest) => Path.Combine(Slugs, digest.Replace(':', '-'));
}

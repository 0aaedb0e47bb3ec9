namespace Paas.Builder;

/// <summary>
/// The files at the root of a pushed app that the platform reads itself, as the builder's user (root on a machine):
/// <c>Procfile</c>, <c>.buildpacks</c>, <c>.slugignore</c>, and for buildah <c>Dockerfile</c> and <c>.dockerignore</c>.
/// Each is read only when it is a regular file: a symbolic link (committed, or made by a buildpack) would have the
/// builder read whatever it points at, <c>/etc/shadow</c> or another app's config, and echo it in an error. Also the
/// modes of the build's private folders.
/// </summary>
internal static class AppFiles
{
    /// <summary>The names checked when the commit is exported (<see cref="Refusal"/> on each).</summary>
    public static readonly IReadOnlyList<string> ReadByThePlatform = ["Procfile", ".buildpacks", ".slugignore", DockerfileBuilder.FileName, ".dockerignore"];

    /// <summary>rwx for the owner only (0700): a build's folders and an app's build cache.</summary>
    public const UnixFileMode PrivateFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>rwx for the owner, x for the others (0711): a push's folder, which the build user enters but cannot list.</summary>
    public const UnixFileMode TraversableFolder = PrivateFolder | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;

    /// <summary>Creates <paramref name="path"/> (and its missing parents) with <paramref name="mode"/>, and sets that mode on it when it existed already; only the creation on Windows.</summary>
    /// <param name="path">The folder.</param>
    /// <param name="mode">Its mode: <see cref="PrivateFolder"/> or <see cref="TraversableFolder"/>.</param>
    public static void CreateFolder(string path, UnixFileMode mode)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, mode);
        File.SetUnixFileMode(path, mode);
    }

    /// <summary>
    /// Why <paramref name="name"/> at the root of <paramref name="appDirectory"/> may not be read: it is a symbolic link or
    /// not a regular file. Null when it is a regular file or is missing.
    /// </summary>
    /// <param name="appDirectory">BUILD_DIR.</param>
    /// <param name="name">A file name at its root.</param>
    /// <returns>A sentence for the pusher, or null.</returns>
    public static string? Refusal(string appDirectory, string name)
    {
        var info = new FileInfo(Path.Combine(appDirectory, name));
        if (info.LinkTarget is { } target)
        {
            return $"{name} is a symbolic link (to {target}): the platform reads {name} itself and follows no links; commit the file in its place";
        }

        return info.Attributes != (FileAttributes)(-1) && !info.Exists
            ? $"{name} is a folder or a special file, not a file: the platform reads {name} itself; commit a file of that name"
            : null;
    }

    /// <summary>
    /// Deletes the named pipes, sockets and device nodes a build left under <paramref name="appDirectory"/>
    /// (<c>find -P DIR ( -type p -o -type s -o -type b -o -type c ) -delete</c>, links not followed): the slug holds files,
    /// folders and links only, and opening a named pipe to pack it would wait forever. Run once the build's processes are
    /// gone. Nothing on Windows.
    /// </summary>
    /// <param name="appDirectory">BUILD_DIR.</param>
    /// <param name="cancellationToken">Cancels the wait for <c>find</c>.</param>
    /// <returns>A task that completes when they are deleted.</returns>
    /// <exception cref="IOException"><c>find</c> failed.</exception>
    public static async Task RemoveSpecialFilesAsync(string appDirectory, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var (code, output) = await Paas.Scheduling.Local.SystemUsers.RunAsync(
            "find", ["-P", appDirectory, "(", "-type", "p", "-o", "-type", "s", "-o", "-type", "b", "-o", "-type", "c", ")", "-delete"], Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        if (code != 0)
        {
            throw new IOException("the build's special files could not be removed: " + output.Trim());
        }
    }

    /// <summary>The text of <paramref name="name"/> at the root of <paramref name="appDirectory"/>, or null when it is missing.</summary>
    /// <param name="appDirectory">BUILD_DIR.</param>
    /// <param name="name">A file name at its root.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The text (UTF-8), or null.</returns>
    /// <exception cref="AppFileException">It is a symbolic link or not a regular file (<see cref="Refusal"/>).</exception>
    public static async Task<string?> ReadAsync(string appDirectory, string name, CancellationToken cancellationToken)
    {
        if (Refusal(appDirectory, name) is { } refusal)
        {
            throw new AppFileException(refusal);
        }

        var path = Path.Combine(appDirectory, name);
        return File.Exists(path) ? await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false) : null;
    }
}

/// <summary>A file the platform reads from the app is a symbolic link or not a regular file; the message is for the pusher.</summary>
/// <param name="message">What is wrong and what to do.</param>
internal sealed class AppFileException(string message) : Exception(message);

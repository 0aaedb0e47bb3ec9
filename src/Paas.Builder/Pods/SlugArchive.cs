using System.Formats.Tar;
using System.IO.Compression;

namespace Paas.Builder;

/// <summary>
/// The tarballs exchanged with a build pod, all gzip-compressed tars:
/// <code>
/// source.tar.gz (builder -> pod)      slug.tar.gz (pod -> builder)
///   app/...   the exported commit       app/...       the compiled app (BUILD_DIR after bin/compile)
///   env/NAME  one file per config var   release.yml   the last buildpack's bin/release output (may be empty)
/// cache.tar.gz (both ways)
///   cache/... CACHE_DIR: the app's build cache (BuilderPaths.Cache) before bin/compile, the pod's after it
/// </code>
/// The slug and the returned cache come from code the push brought, so they are unpacked as hostile input: only regular files, folders and symbolic
/// links; no entry outside the target, none through a symbolic link unpacked before it (a link <c>app/x -> /</c> followed by
/// <c>app/x/etc/passwd</c>), no hard links or devices. A refused entry fails the whole unpack.
/// </summary>
internal static class SlugArchive
{
    /// <summary>Packs <paramref name="appDir"/> as <c>app/</c> and <paramref name="envDir"/> as <c>env/</c> into <paramref name="target"/>.</summary>
    public static Task PackSourceAsync(string appDir, string envDir, string target, CancellationToken cancellationToken) =>
        PackAsync([(appDir, "app"), (envDir, "env")], target, cancellationToken);

    /// <summary>Packs <paramref name="cacheDir"/> as <c>cache/</c> into <paramref name="target"/>; a missing folder packs as an empty <c>cache/</c>.</summary>
    public static Task PackCacheAsync(string cacheDir, string target, CancellationToken cancellationToken) =>
        PackAsync([(cacheDir, "cache")], target, cancellationToken);

    private static async Task PackAsync(IEnumerable<(string Root, string Prefix)> folders, string target, CancellationToken cancellationToken)
    {
        await using var file = File.Create(target);
        await using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        await using var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true);
        foreach (var (root, prefix) in folders)
        {
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, prefix + "/") { Mode = (UnixFileMode)0x1ED }, cancellationToken).ConfigureAwait(false);
            if (!Directory.Exists(root))
            {
                continue;
            }

            foreach (var path in Walk(root))
            {
                var name = prefix + "/" + Path.GetRelativePath(root, path).Replace('\\', '/');
                await tar.WriteEntryAsync(path, name, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Every entry under <paramref name="directory"/>, parents first, in ordinal order, never entering a symbolic link.</summary>
    private static IEnumerable<string> Walk(string directory)
    {
        foreach (var path in Directory.EnumerateFileSystemEntries(directory, "*", new EnumerationOptions { AttributesToSkip = 0 }).Order(StringComparer.Ordinal))
        {
            yield return path;
            if (Directory.Exists(path) && new FileInfo(path).LinkTarget is null)
            {
                foreach (var inner in Walk(path))
                {
                    yield return inner;
                }
            }
        }
    }

    /// <summary>Unpacks a tarball a build pod sent (the slug, the build cache) into <paramref name="target"/> (which must not exist yet).</summary>
    /// <param name="archive">The gzip tar.</param>
    /// <param name="target">The folder to unpack into.</param>
    /// <param name="what">What it is, for messages (<c>slug</c>, <c>build cache</c>).</param>
    /// <param name="maxBytes">The most its files may hold in all (<see cref="BuildPodOptions.MaxUnpackedBytes"/>), checked from each entry's header before its data is written.</param>
    /// <param name="cancellationToken">Stops the unpack.</param>
    /// <exception cref="InvalidDataException">An entry was refused, the files hold more than <paramref name="maxBytes"/>, or the archive is not a gzip tar.</exception>
    public static async Task UnpackAsync(string archive, string target, string what, long maxBytes, CancellationToken cancellationToken)
    {
        var total = 0L;
        var root = Path.GetFullPath(target);
        Directory.CreateDirectory(root);
        await using var file = File.OpenRead(archive);
        await using var gzip = new GZipStream(file, CompressionMode.Decompress);
        await using var tar = new TarReader(gzip);
        try
        {
            while (await tar.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                total += entry.Length;
                if (total > maxBytes)
                {
                    throw new InvalidDataException($"the {what} holds more than {BuildPipeline.Megabytes(maxBytes)} once unpacked (PAAS_BUILD_MAX_UNPACKED_BYTES)");
                }

                await UnpackEntryAsync(entry, root, what, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is FormatException or EndOfStreamException)
        {
            throw new InvalidDataException($"the {what} is not a complete gzip tar: " + e.Message, e);
        }
    }

    private static async Task UnpackEntryAsync(TarEntry entry, string root, string what, CancellationToken cancellationToken)
    {
        if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
        {
            return;
        }

        var relative = entry.Name.TrimStart('.', '/');
        var path = Path.GetFullPath(Path.Combine(root, relative));
        if (relative.Length == 0 || !path.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            if (relative.Length == 0 && entry.EntryType == TarEntryType.Directory)
            {
                return;
            }

            throw new InvalidDataException($"the {what}'s entry '{entry.Name}' points outside the {what}");
        }

        // No ancestor may be a symbolic link: writing through one would leave the slug folder.
        for (var parent = Path.GetDirectoryName(path); parent is not null && parent.Length > root.Length; parent = Path.GetDirectoryName(parent))
        {
            if (new FileInfo(parent).LinkTarget is not null)
            {
                throw new InvalidDataException($"the {what}'s entry '{entry.Name}' is inside a symbolic link");
            }
        }

        var mode = entry.Mode & (UnixFileMode)0x1FF; // no setuid, setgid or sticky bits
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                Directory.CreateDirectory(path);
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(path, mode | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }

                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
                {
                    File.Delete(path);
                }

                await using (var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write))
                {
                    if (entry.DataStream is { } data)
                    {
                        await data.CopyToAsync(output, cancellationToken).ConfigureAwait(false);
                    }
                }

                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(path, mode | UnixFileMode.UserRead);
                }

                break;
            case TarEntryType.SymbolicLink:
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                if (File.Exists(path) || new FileInfo(path).LinkTarget is not null)
                {
                    File.Delete(path);
                }

                File.CreateSymbolicLink(path, entry.LinkName);
                break;
            default:
                throw new InvalidDataException($"the {what}'s entry '{entry.Name}' is a {entry.EntryType}, which a {what} may not hold");
        }
    }
}

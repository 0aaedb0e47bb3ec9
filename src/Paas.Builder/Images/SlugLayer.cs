using System.Formats.Tar;
using System.IO.Compression;
using Paas.Oci;

namespace Paas.Builder;

/// <summary>
/// The slug as deterministic OCI layers (tar+gzip) rooted at <c>/app</c>: entries sorted by ordinal path, modification
/// times zeroed, uid/gid <c>owner</c> (0 for slug-only images, the stack's user 1000 on a stack, so the app may write in
/// <c>/app</c> as on Heroku) with no names, GNU tar headers (long names), gzip with no timestamp; the same slug and owner
/// give the same digests.
/// <para>
/// Each top-level folder of the slug that holds at least <see cref="SplitThreshold"/> (an installed runtime such as
/// <c>.heroku/node</c>, a large <c>node_modules</c>) is a layer of its own, in ordinal order, and everything else is the
/// last layer. An unchanged folder gives an unchanged layer: it is not compressed again (the builder keeps the last build's
/// layers per app, found by diff id), not uploaded again (the registry has the blob), and not pulled again by a Kubernetes
/// node; only the layer with the code that changed moves. Every layer carries the <c>app/</c> folder entry, so the
/// layers' union is the slug (OCI image spec, "Image Layer Filesystem Changeset": no layer deletes anything).
/// </para>
/// </summary>
internal static class SlugLayer
{
    /// <summary>The size from which a top-level folder of the slug becomes a layer of its own: 16 MiB of file content.</summary>
    public const long SplitThreshold = 16L * 1024 * 1024;

    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>
    /// Writes the layers of <paramref name="slugDirectory"/>, reusing the compressed layer kept in <paramref name="layerCache"/>
    /// for a part whose tar is unchanged (same diff id), and leaves in the cache exactly the layers returned.
    /// </summary>
    /// <param name="slugDirectory">The built app (it becomes <c>/app</c>).</param>
    /// <param name="layerCache">The app's layer folder (private to the builder: buildpacks never write there); created when missing.</param>
    /// <param name="owner">The uid and gid of every entry.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The layers, base first: descriptor (digest and size of the compressed file), diff id (digest of the tar),
    /// the compressed file, and whether it was reused.</returns>
    public static async Task<IReadOnlyList<SlugLayerFile>> WriteLayersAsync(string slugDirectory, string layerCache, int owner, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(layerCache);
        var split = new DirectoryInfo(slugDirectory).EnumerateDirectories()
            .Where(d => d.LinkTarget is null && ContentSize(d) >= SplitThreshold)
            .Select(d => d.Name).Order(StringComparer.Ordinal).ToList();
        var parts = split.Select(name => (Func<TarWriter, Task>)(async writer =>
            {
                await writer.WriteEntryAsync(Directory("app", DirectoryMode, owner), cancellationToken).ConfigureAwait(false);
                var folder = new DirectoryInfo(Path.Combine(slugDirectory, name));
                await writer.WriteEntryAsync(Directory("app/" + name, folder.UnixFileMode, owner), cancellationToken).ConfigureAwait(false);
                await WriteTreeAsync(writer, folder.FullName, "app/" + name, owner, NoSkip, cancellationToken).ConfigureAwait(false);
            }))
            .Append(async writer =>
            {
                await writer.WriteEntryAsync(Directory("app", DirectoryMode, owner), cancellationToken).ConfigureAwait(false);
                await WriteTreeAsync(writer, slugDirectory, "app", owner, split.ToHashSet(StringComparer.Ordinal), cancellationToken).ConfigureAwait(false);
            })
            .ToList();

        var layers = new List<SlugLayerFile>();
        foreach (var part in parts)
        {
            var diffId = await DiffIdAsync(part).ConfigureAwait(false);
            var kept = System.IO.Directory.EnumerateFiles(layerCache, diffId.Encoded + ".*.tar.gz").FirstOrDefault();
            if (kept is not null && Digest.TryParse(Digest.Sha256 + ":" + Path.GetFileName(kept).Split('.')[1], out var keptDigest))
            {
                layers.Add(new SlugLayerFile(new Descriptor { MediaType = MediaTypes.OciLayerTarGzip, Digest = keptDigest, Size = new FileInfo(kept).Length }, diffId, kept, Reused: true));
                continue;
            }

            var writing = Path.Combine(layerCache, $".tmp-{Guid.NewGuid():N}.tar.gz");
            var (layer, written) = await WriteLayerAsync(writing, part).ConfigureAwait(false);
            var path = Path.Combine(layerCache, $"{written.Encoded}.{layer.Digest.Encoded}.tar.gz");
            File.Move(writing, path, overwrite: true);
            layers.Add(new SlugLayerFile(layer, written, path, Reused: false));
        }

        var keep = layers.Select(l => l.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var stale in System.IO.Directory.EnumerateFiles(layerCache).Where(f => !keep.Contains(f)).ToList())
        {
            File.Delete(stale);
        }

        return layers;
    }

    /// <summary>
    /// Writes the process types layer: <c>/app/.paas/process-types</c> in Procfile format (<c>type: command</c>, sorted by
    /// type), the file the stack's launcher reads; its folders have the slug's owner and mode so they change nothing.
    /// </summary>
    /// <returns>The layer's descriptor and diff id.</returns>
    public static Task<(Descriptor Layer, Digest DiffId)> WriteProcessTypesAsync(IReadOnlyDictionary<string, string> types, string layerPath, int owner, CancellationToken cancellationToken) =>
        WriteLayerAsync(layerPath, async writer =>
        {
            var text = string.Concat(types.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}: {t.Value}\n"));
            await writer.WriteEntryAsync(Directory("app", DirectoryMode, owner), cancellationToken).ConfigureAwait(false);
            await writer.WriteEntryAsync(Directory("app/.paas", DirectoryMode, owner), cancellationToken).ConfigureAwait(false);
            var file = Stamp(new GnuTarEntry(TarEntryType.RegularFile, StackContract.ProcessTypesPath)
            {
                Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(text)),
            }, owner);
            await writer.WriteEntryAsync(file, cancellationToken).ConfigureAwait(false);
        });

    private static async Task<(Descriptor Layer, Digest DiffId)> WriteLayerAsync(string layerPath, Func<TarWriter, Task> write)
    {
        Digest diffId;
        Digest digest;
        long size;
        await using (var file = new FileStream(layerPath, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            var compressed = new HashingStream(file);
            await using (compressed.ConfigureAwait(false))
            {
                var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true);
                await using (gzip.ConfigureAwait(false))
                {
                    var tar = new HashingStream(gzip);
                    await using (tar.ConfigureAwait(false))
                    {
                        var writer = new TarWriter(tar, TarEntryFormat.Gnu, leaveOpen: true);
                        await using (writer.ConfigureAwait(false))
                        {
                            await write(writer).ConfigureAwait(false);
                        }

                        diffId = tar.Digest();
                    }
                }

                digest = compressed.Digest();
                size = compressed.Length;
            }
        }

        return (new Descriptor { MediaType = MediaTypes.OciLayerTarGzip, Digest = digest, Size = size }, diffId);
    }

    /// <summary>The diff id of a layer: the digest of its tar, computed without compressing it.</summary>
    private static async Task<Digest> DiffIdAsync(Func<TarWriter, Task> write)
    {
        var tar = new HashingStream(Stream.Null);
        await using (tar.ConfigureAwait(false))
        {
            var writer = new TarWriter(tar, TarEntryFormat.Gnu, leaveOpen: true);
            await using (writer.ConfigureAwait(false))
            {
                await write(writer).ConfigureAwait(false);
            }

            return tar.Digest();
        }
    }

    /// <summary>The bytes of the files under <paramref name="folder"/> (symbolic links not followed).</summary>
    private static long ContentSize(DirectoryInfo folder) =>
        folder.EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false })
            .Sum(f => f.Length);

    private static async Task WriteTreeAsync(TarWriter writer, string directory, string prefix, int owner, IReadOnlySet<string> skip, CancellationToken cancellationToken)
    {
        var entries = new DirectoryInfo(directory).EnumerateFileSystemInfos().Where(e => !skip.Contains(e.Name)).OrderBy(e => e.Name, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var name = prefix + "/" + entry.Name;
            var mode = entry.UnixFileMode;
            if (entry.LinkTarget is { } target)
            {
                await writer.WriteEntryAsync(Stamp(new GnuTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, Mode = mode }, owner), cancellationToken).ConfigureAwait(false);
            }
            else if (entry is DirectoryInfo)
            {
                await writer.WriteEntryAsync(Directory(name, mode, owner), cancellationToken).ConfigureAwait(false);
                await WriteTreeAsync(writer, entry.FullName, name, owner, NoSkip, cancellationToken).ConfigureAwait(false);
            }
            else if (entry is FileInfo)
            {
                var content = File.OpenRead(entry.FullName);
                await using (content.ConfigureAwait(false))
                {
                    var file = Stamp(new GnuTarEntry(TarEntryType.RegularFile, name) { Mode = mode, DataStream = content }, owner);
                    await writer.WriteEntryAsync(file, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private static readonly HashSet<string> NoSkip = [];

    private static GnuTarEntry Directory(string name, UnixFileMode mode, int owner) => Stamp(new GnuTarEntry(TarEntryType.Directory, name + "/") { Mode = mode }, owner);

    private static GnuTarEntry Stamp(GnuTarEntry entry, int owner)
    {
        entry.ModificationTime = DateTimeOffset.UnixEpoch;
        entry.AccessTime = DateTimeOffset.UnixEpoch;
        entry.ChangeTime = DateTimeOffset.UnixEpoch;
        entry.Uid = owner;
        entry.Gid = owner;
        entry.UserName = "";
        entry.GroupName = "";
        return entry;
    }
}

/// <summary>One layer of a slug, as <see cref="SlugLayer.WriteLayersAsync"/> wrote or kept it.</summary>
/// <param name="Layer">Its descriptor: media type, digest and size of the compressed file.</param>
/// <param name="DiffId">The digest of its uncompressed tar (the image config's <c>rootfs.diff_ids</c>).</param>
/// <param name="Path">The compressed file.</param>
/// <param name="Reused">True when the previous build's file was kept (the part was unchanged).</param>
internal sealed record SlugLayerFile(Descriptor Layer, Digest DiffId, string Path, bool Reused);

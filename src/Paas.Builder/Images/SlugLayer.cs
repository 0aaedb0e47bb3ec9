using System.Formats.Tar;
using System.IO.Compression;
using Paas.Oci;

namespace Paas.Builder;

/// <summary>
/// The slug as one deterministic OCI layer (tar+gzip) rooted at <c>/app</c>: entries sorted by ordinal path, modification
/// times zeroed, uid/gid <c>owner</c> (0 for slug-only images, the stack's user 1000 on a stack, so the app may write in
/// <c>/app</c> as on Heroku) with no names, GNU tar headers (long names), gzip with no timestamp; the same slug and owner
/// give the same digest.
/// </summary>
internal static class SlugLayer
{
    private const UnixFileMode DirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>Writes the layer of <paramref name="slugDirectory"/> into <paramref name="layerPath"/>.</summary>
    /// <param name="slugDirectory">The built app (it becomes <c>/app</c>).</param>
    /// <param name="layerPath">The tar+gzip file to write.</param>
    /// <param name="owner">The uid and gid of every entry.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>The layer's descriptor (digest and size of the compressed file) and its diff id (digest of the tar).</returns>
    public static Task<(Descriptor Layer, Digest DiffId)> WriteAsync(string slugDirectory, string layerPath, int owner, CancellationToken cancellationToken) =>
        WriteLayerAsync(layerPath, async writer =>
        {
            await writer.WriteEntryAsync(Directory("app", DirectoryMode, owner), cancellationToken).ConfigureAwait(false);
            await WriteTreeAsync(writer, slugDirectory, "app", owner, cancellationToken).ConfigureAwait(false);
        });

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

    private static async Task WriteTreeAsync(TarWriter writer, string directory, string prefix, int owner, CancellationToken cancellationToken)
    {
        var entries = new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal);
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
                await WriteTreeAsync(writer, entry.FullName, name, owner, cancellationToken).ConfigureAwait(false);
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

using System.Formats.Tar;
using System.IO.Compression;
using Paas.Oci;

namespace Paas.Builder;

/// <summary>
/// The slug as one deterministic OCI layer (tar+gzip) rooted at <c>/app</c>: entries sorted by ordinal path, modification
/// times zeroed, uid/gid 0 with no names, GNU tar headers (long names), gzip with no timestamp; the same slug gives the
/// same digest.
/// </summary>
internal static class SlugLayer
{
    /// <summary>Writes the layer of <paramref name="slugDirectory"/> into <paramref name="layerPath"/>.</summary>
    /// <returns>The layer's descriptor (digest and size of the compressed file) and its diff id (digest of the tar).</returns>
    public static async Task<(Descriptor Layer, Digest DiffId)> WriteAsync(string slugDirectory, string layerPath, CancellationToken cancellationToken)
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
                            await writer.WriteEntryAsync(Directory("app", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute), cancellationToken).ConfigureAwait(false);
                            await WriteTreeAsync(writer, slugDirectory, "app", cancellationToken).ConfigureAwait(false);
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

    private static async Task WriteTreeAsync(TarWriter writer, string directory, string prefix, CancellationToken cancellationToken)
    {
        var entries = new DirectoryInfo(directory).EnumerateFileSystemInfos().OrderBy(e => e.Name, StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var name = prefix + "/" + entry.Name;
            var mode = entry.UnixFileMode;
            if (entry.LinkTarget is { } target)
            {
                await writer.WriteEntryAsync(Stamp(new GnuTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, Mode = mode }), cancellationToken).ConfigureAwait(false);
            }
            else if (entry is DirectoryInfo)
            {
                await writer.WriteEntryAsync(Directory(name, mode), cancellationToken).ConfigureAwait(false);
                await WriteTreeAsync(writer, entry.FullName, name, cancellationToken).ConfigureAwait(false);
            }
            else if (entry is FileInfo)
            {
                var content = File.OpenRead(entry.FullName);
                await using (content.ConfigureAwait(false))
                {
                    var file = Stamp(new GnuTarEntry(TarEntryType.RegularFile, name) { Mode = mode, DataStream = content });
                    await writer.WriteEntryAsync(file, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }

    private static GnuTarEntry Directory(string name, UnixFileMode mode) => Stamp(new GnuTarEntry(TarEntryType.Directory, name + "/") { Mode = mode });

    private static GnuTarEntry Stamp(GnuTarEntry entry)
    {
        entry.ModificationTime = DateTimeOffset.UnixEpoch;
        entry.AccessTime = DateTimeOffset.UnixEpoch;
        entry.ChangeTime = DateTimeOffset.UnixEpoch;
        entry.Uid = 0;
        entry.Gid = 0;
        entry.UserName = "";
        entry.GroupName = "";
        return entry;
    }
}

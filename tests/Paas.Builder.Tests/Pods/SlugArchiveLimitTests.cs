using System.Formats.Tar;
using System.IO.Compression;
using Xunit;

namespace Paas.Builder.Tests.Pods;

/// <summary>A slug or cache a build pod sends is refused once its files would hold more than the unpacked limit, however small it is compressed.</summary>
public sealed class SlugArchiveLimitTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("paas-unpack-").FullName;

    [Fact]
    public async Task A_gzip_bomb_is_refused_before_its_data_is_written()
    {
        var archive = await ZerosAsync(megabytes: 64); // 64 MiB of zeros: about 64 KB compressed
        Assert.True(new FileInfo(archive).Length < 1 << 20);
        var target = Path.Combine(_dir, "out");

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => SlugArchive.UnpackAsync(archive, target, "build cache", 16L << 20, TestContext.Current.CancellationToken));

        Assert.Equal("the build cache holds more than 16.0 MB once unpacked (PAAS_BUILD_MAX_UNPACKED_BYTES)", refused.Message);
        Assert.False(File.Exists(Path.Combine(target, "cache", "zeros"))); // checked from the header, before any byte is written
    }

    [Fact]
    public async Task An_archive_within_the_limit_unpacks()
    {
        var archive = await ZerosAsync(megabytes: 2);
        var target = Path.Combine(_dir, "out");
        await SlugArchive.UnpackAsync(archive, target, "slug", 2L << 20, TestContext.Current.CancellationToken);
        Assert.Equal(2L << 20, new FileInfo(Path.Combine(target, "cache", "zeros")).Length);
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private async Task<string> ZerosAsync(int megabytes)
    {
        var path = Path.Combine(_dir, $"zeros-{megabytes}.tar.gz");
        await using (var file = File.Create(path))
        await using (var gzip = new GZipStream(file, CompressionLevel.Optimal))
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "cache/"));
            using var zeros = new MemoryStream(new byte[megabytes << 20]);
            await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "cache/zeros") { DataStream = zeros });
        }

        return path;
    }
}

using Paas.Oci;
using Paas.Registry.Storage;

namespace Paas.Registry.Tests.Storage;

/// <summary>The conformance suite against the filesystem driver, plus its crash-safety specifics.</summary>
public sealed class FileSystemStorageDriverTests : StorageDriverConformanceTests, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("paas-fsdriver-").FullName;

    protected override IRegistryStorageDriver CreateDriver() => new FileSystemStorageDriver(Path.Combine(_root, Guid.NewGuid().ToString("N")), fsync: true);

    [Fact]
    public async Task Layout_matches_the_documented_tree()
    {
        var root = Path.Combine(_root, "layout");
        var driver = new FileSystemStorageDriver(root);
        var content = "hello"u8.ToArray();
        var digest = (await driver.PutBlobAsync(new MemoryStream(content), null)).Digest;
        await driver.LinkBlobAsync("app/web", digest);
        await driver.PutManifestAsync("app/web", new ManifestRevision(digest, MediaTypes.OciManifest, null));
        await driver.TagAsync("app/web", "v1", digest);

        Assert.True(File.Exists(Path.Combine(root, "blobs", "sha256", digest.Encoded[..2], digest.Encoded)));
        Assert.True(File.Exists(Path.Combine(root, "repositories", "app", "web", "_layers", "sha256", digest.Encoded)));
        Assert.True(File.Exists(Path.Combine(root, "repositories", "app", "web", "_manifests", "revisions", "sha256", digest.Encoded)));
        Assert.Equal(digest.ToString(), File.ReadAllText(Path.Combine(root, "repositories", "app", "web", "_manifests", "tags", "v1")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(root, "tmp")));
    }

    [Fact]
    public async Task Upload_survives_a_restart_of_the_driver()
    {
        var root = Path.Combine(_root, "restart");
        var content = new byte[300_000];
        Random.Shared.NextBytes(content);
        var first = new FileSystemStorageDriver(root);
        var upload = await first.StartUploadAsync("app");
        await first.AppendUploadAsync(upload.Id, 0, new MemoryStream(content, 0, 100_000));

        var second = new FileSystemStorageDriver(root);
        Assert.Equal(100_000, (await second.GetUploadAsync(upload.Id))!.Size);
        await second.AppendUploadAsync(upload.Id, 100_000, new MemoryStream(content, 100_000, 200_000));
        Assert.Equal(Digest.Compute(content), (await second.CompleteUploadAsync(upload.Id, Digest.Compute(content))).Digest);
    }

    [Fact]
    public async Task Leftover_temporary_files_are_never_listed_as_blobs()
    {
        var root = Path.Combine(_root, "leftover");
        var driver = new FileSystemStorageDriver(root);
        await File.WriteAllTextAsync(Path.Combine(root, "tmp", Guid.NewGuid().ToString("N")), "half a blob");
        Assert.Empty(await ToListAsync(driver.ListBlobsAsync()));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

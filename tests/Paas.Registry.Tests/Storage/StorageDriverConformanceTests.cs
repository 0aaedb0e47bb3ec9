using Paas.Oci;
using Paas.Registry.Storage;

namespace Paas.Registry.Tests.Storage;

/// <summary>
/// The contract of <see cref="IRegistryStorageDriver"/>; every driver derives a test class from this
/// one and supplies <see cref="CreateDriver"/>.
/// </summary>
public abstract class StorageDriverConformanceTests
{
    protected abstract IRegistryStorageDriver CreateDriver();

    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task Put_blob_then_stat_and_read_it_back()
    {
        var driver = CreateDriver();
        var content = RandomBytes(3 * 1024 * 1024 + 17);
        var digest = Digest.Compute(content);

        var info = await driver.PutBlobAsync(new MemoryStream(content), digest);

        Assert.Equal(digest, info.Digest);
        Assert.Equal(content.Length, info.Size);
        Assert.Equal(content.Length, (await driver.StatBlobAsync(digest))!.Size);
        await using var stream = (await driver.OpenBlobAsync(digest))!;
        var read = new MemoryStream();
        await stream.CopyToAsync(read);
        Assert.Equal(content, read.ToArray());
        Assert.Contains(await ToListAsync(driver.ListBlobsAsync()), b => b.Digest == digest);
    }

    [Fact]
    public async Task Put_blob_without_expected_digest_stores_under_computed_sha256()
    {
        var driver = CreateDriver();
        var content = RandomBytes(100);
        var info = await driver.PutBlobAsync(new MemoryStream(content), null);
        Assert.Equal(Digest.Compute(content), info.Digest);
    }

    [Fact]
    public async Task Put_blob_with_wrong_digest_stores_nothing()
    {
        var driver = CreateDriver();
        var content = RandomBytes(1000);
        var wrong = Digest.Compute(RandomBytes(10));

        var ex = await Assert.ThrowsAsync<DigestMismatchException>(async () => await driver.PutBlobAsync(new MemoryStream(content), wrong));

        Assert.Equal(Digest.Compute(content), ex.Actual);
        Assert.Null(await driver.StatBlobAsync(wrong));
        Assert.Null(await driver.StatBlobAsync(Digest.Compute(content)));
    }

    [Fact]
    public async Task Sha512_digests_are_supported()
    {
        var driver = CreateDriver();
        var content = RandomBytes(5000);
        var digest = Digest.Compute(Digest.Sha512, content);
        await driver.PutBlobAsync(new MemoryStream(content), digest);
        Assert.NotNull(await driver.StatBlobAsync(digest));

        var upload = await driver.StartUploadAsync("app");
        await driver.AppendUploadAsync(upload.Id, 0, new MemoryStream(content));
        Assert.Equal(digest, (await driver.CompleteUploadAsync(upload.Id, digest)).Digest);
    }

    [Fact]
    public async Task Identical_concurrent_puts_all_succeed_and_leave_one_blob()
    {
        var driver = CreateDriver();
        var content = RandomBytes(2 * 1024 * 1024);
        var digest = Digest.Compute(content);

        var puts = Enumerable.Range(0, 8).Select(_ => Task.Run(async () => await driver.PutBlobAsync(new MemoryStream(content), digest)));
        var uploads = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            var upload = await driver.StartUploadAsync("app");
            await driver.AppendUploadAsync(upload.Id, 0, new MemoryStream(content));
            return await driver.CompleteUploadAsync(upload.Id, digest);
        }));
        var results = await Task.WhenAll(puts.Concat(uploads));

        Assert.All(results, r => Assert.Equal(digest, r.Digest));
        Assert.Single(await ToListAsync(driver.ListBlobsAsync()), b => b.Digest == digest);
        await using var stream = (await driver.OpenBlobAsync(digest))!;
        Assert.Equal(content.Length, stream.Length);
    }

    [Fact]
    public async Task Chunked_upload_checks_offsets_and_completes()
    {
        var driver = CreateDriver();
        var content = RandomBytes(10_000);
        var digest = Digest.Compute(content);
        var upload = await driver.StartUploadAsync("app/web");

        Assert.Equal(4000, await driver.AppendUploadAsync(upload.Id, 0, new MemoryStream(content, 0, 4000)));
        var ex = await Assert.ThrowsAsync<UploadOffsetMismatchException>(async () => await driver.AppendUploadAsync(upload.Id, 3000, new MemoryStream(content, 3000, 10)));
        Assert.Equal(4000, ex.CurrentSize);
        Assert.Equal(10_000, await driver.AppendUploadAsync(upload.Id, null, new MemoryStream(content, 4000, 6000)));
        Assert.Equal(10_000, (await driver.GetUploadAsync(upload.Id))!.Size);
        Assert.Equal("app/web", (await driver.GetUploadAsync(upload.Id))!.Repository);

        var blob = await driver.CompleteUploadAsync(upload.Id, digest);

        Assert.Equal(digest, blob.Digest);
        Assert.Null(await driver.GetUploadAsync(upload.Id));
        await Assert.ThrowsAsync<UploadUnknownException>(async () => await driver.AppendUploadAsync(upload.Id, null, new MemoryStream([1])));
    }

    [Fact]
    public async Task Interrupted_chunk_keeps_what_was_received_and_the_upload_resumes()
    {
        var driver = CreateDriver();
        var content = RandomBytes(3 * 1024 * 1024);
        var digest = Digest.Compute(content);
        var upload = await driver.StartUploadAsync("app");

        await Assert.ThrowsAsync<IOException>(async () => await driver.AppendUploadAsync(upload.Id, 0, new FailingStream(content, failAfter: 2 * 1024 * 1024 + 5)));
        var kept = (await driver.GetUploadAsync(upload.Id))!.Size;
        Assert.InRange(kept, 0, 2 * 1024 * 1024 + 5);

        await driver.AppendUploadAsync(upload.Id, kept, new MemoryStream(content, (int)kept, content.Length - (int)kept));
        Assert.Equal(digest, (await driver.CompleteUploadAsync(upload.Id, digest)).Digest);
    }

    [Fact]
    public async Task Completing_with_wrong_digest_discards_the_upload()
    {
        var driver = CreateDriver();
        var upload = await driver.StartUploadAsync("app");
        await driver.AppendUploadAsync(upload.Id, 0, new MemoryStream(RandomBytes(100)));
        var wrong = Digest.Compute(RandomBytes(3));

        await Assert.ThrowsAsync<DigestMismatchException>(async () => await driver.CompleteUploadAsync(upload.Id, wrong));

        Assert.Null(await driver.GetUploadAsync(upload.Id));
        Assert.Null(await driver.StatBlobAsync(wrong));
    }

    [Fact]
    public async Task Cancel_and_list_uploads()
    {
        var driver = CreateDriver();
        var upload = await driver.StartUploadAsync("app");
        Assert.Contains(await ToListAsync(driver.ListUploadsAsync()), u => u.Id == upload.Id);
        Assert.True(await driver.CancelUploadAsync(upload.Id));
        Assert.False(await driver.CancelUploadAsync(upload.Id));
        Assert.Null(await driver.GetUploadAsync(upload.Id));
        Assert.Null(await driver.GetUploadAsync("../../etc"));
    }

    [Fact]
    public async Task Links_manifests_tags_referrers_and_repositories()
    {
        var driver = CreateDriver();
        var blob = (await driver.PutBlobAsync(new MemoryStream(RandomBytes(10)), null)).Digest;
        var manifest = (await driver.PutBlobAsync(new MemoryStream(RandomBytes(20)), null)).Digest;
        var referrer = (await driver.PutBlobAsync(new MemoryStream(RandomBytes(30)), null)).Digest;

        Assert.Null(await driver.ListTagsAsync("app/web"));
        await driver.LinkBlobAsync("app/web", blob);
        await driver.LinkBlobAsync("app/web", blob);
        Assert.True(await driver.IsBlobLinkedAsync("app/web", blob));
        Assert.False(await driver.IsBlobLinkedAsync("app", blob));

        await driver.PutManifestAsync("app/web", new ManifestRevision(manifest, MediaTypes.OciManifest, null));
        await driver.PutManifestAsync("app/web", new ManifestRevision(referrer, MediaTypes.OciManifest, manifest));
        await driver.TagAsync("app/web", "v2", manifest);
        await driver.TagAsync("app/web", "latest", manifest);
        await driver.TagAsync("app/web", "v1", referrer);
        await driver.TagAsync("app/web", "v1", manifest);

        Assert.Equal(manifest, await driver.ResolveTagAsync("app/web", "v1"));
        Assert.Equal(["latest", "v1", "v2"], (await driver.ListTagsAsync("app/web"))!);
        Assert.Equal(MediaTypes.OciManifest, (await driver.GetManifestAsync("app/web", manifest))!.MediaType);
        Assert.Equal(manifest, (await driver.GetManifestAsync("app/web", referrer))!.Subject);
        Assert.Equal([referrer], await driver.ListReferrersAsync("app/web", manifest));
        Assert.Equal(2, (await ToListAsync(driver.ListManifestsAsync("app/web"))).Count);
        Assert.Equal(["app/web"], await driver.ListRepositoriesAsync());

        Assert.True(await driver.DeleteManifestAsync("app/web", referrer));
        Assert.Empty(await driver.ListReferrersAsync("app/web", manifest));
        Assert.True(await driver.DeleteManifestAsync("app/web", manifest));
        Assert.Empty((await driver.ListTagsAsync("app/web"))!);
        Assert.Null(await driver.ResolveTagAsync("app/web", "v1"));
        Assert.False(await driver.DeleteManifestAsync("app/web", manifest));

        Assert.True(await driver.UnlinkBlobAsync("app/web", blob));
        Assert.False(await driver.UnlinkBlobAsync("app/web", blob));
        Assert.NotNull(await driver.StatBlobAsync(blob));
        Assert.True(await driver.DeleteBlobAsync(blob));
        Assert.Null(await driver.OpenBlobAsync(blob));
    }

    [Fact]
    public async Task Invalid_repository_names_are_refused()
    {
        var driver = CreateDriver();
        var digest = Digest.Compute(RandomBytes(1));
        await Assert.ThrowsAsync<ArgumentException>(async () => await driver.LinkBlobAsync("../escape", digest));
        await Assert.ThrowsAsync<ArgumentException>(async () => await driver.StartUploadAsync("App"));
    }

    [Fact]
    public async Task Cancelled_put_leaves_nothing_visible()
    {
        var driver = CreateDriver();
        var content = RandomBytes(2 * 1024 * 1024);
        await Assert.ThrowsAsync<IOException>(async () => await driver.PutBlobAsync(new FailingStream(content, 1024 * 1024 + 1), null));
        Assert.Empty(await ToListAsync(driver.ListBlobsAsync()));
    }

    protected static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> items)
    {
        var list = new List<T>();
        await foreach (var item in items)
        {
            list.Add(item);
        }

        return list;
    }

    /// <summary>Yields <c>failAfter</c> bytes of the content, then fails like a dropped connection.</summary>
    private sealed class FailingStream(byte[] content, int failAfter) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= failAfter)
            {
                throw new IOException("connection reset");
            }

            var n = Math.Min(Math.Min(count, failAfter - _position), 64 * 1024);
            Array.Copy(content, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}

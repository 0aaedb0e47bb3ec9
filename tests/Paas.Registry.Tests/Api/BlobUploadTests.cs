using System.Net;
using System.Net.Http.Headers;
using Paas.Oci;
using Paas.Registry.Tests.Infrastructure;

namespace Paas.Registry.Tests.Api;

/// <summary>Blob pulls and every upload flow of the distribution spec over a real HttpClient.</summary>
public sealed class BlobUploadTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task Monolithic_upload_then_head_get_and_range()
    {
        using var client = registry.Client();
        var content = RandomBytes(2_500_000);
        var digest = await client.PushBlobAsync("alice-app", content);

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/alice-app/blobs/{digest}"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(content.Length, head.Content.Headers.ContentLength);
        Assert.Equal(digest.ToString(), head.Headers.GetValues("Docker-Content-Digest").Single());

        Assert.Equal(content, await client.GetByteArrayAsync($"/v2/alice-app/blobs/{digest}"));

        var ranged = new HttpRequestMessage(HttpMethod.Get, $"/v2/alice-app/blobs/{digest}");
        ranged.Headers.Range = new RangeHeaderValue(1000, 1999);
        using var partial = await client.SendAsync(ranged);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal(content[1000..2000], await partial.Content.ReadAsByteArrayAsync());
        Assert.Equal($"bytes 1000-1999/{content.Length}", partial.Content.Headers.ContentRange!.ToString());

        // A range across several of the download loop's chunks, and HEAD with a range (answered from the size alone).
        var wide = new HttpRequestMessage(HttpMethod.Get, $"/v2/alice-app/blobs/{digest}");
        wide.Headers.Range = new RangeHeaderValue(200_000, 1_700_000);
        using (var middle = await client.SendAsync(wide))
        {
            Assert.Equal(content[200_000..1_700_001], await middle.Content.ReadAsByteArrayAsync());
        }

        var headRange = new HttpRequestMessage(HttpMethod.Head, $"/v2/alice-app/blobs/{digest}");
        headRange.Headers.Range = new RangeHeaderValue(1000, 1999);
        using (var headPartial = await client.SendAsync(headRange))
        {
            Assert.Equal(HttpStatusCode.PartialContent, headPartial.StatusCode);
            Assert.Equal(1000, headPartial.Content.Headers.ContentLength);
            Assert.Equal($"bytes 1000-1999/{content.Length}", headPartial.Content.Headers.ContentRange!.ToString());
        }

        using (var headMissing = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/alice-app/blobs/{Digest.Compute([7, 7, 7])}")))
        {
            Assert.Equal(HttpStatusCode.NotFound, headMissing.StatusCode);
        }

        var suffix = new HttpRequestMessage(HttpMethod.Get, $"/v2/alice-app/blobs/{digest}");
        suffix.Headers.Range = new RangeHeaderValue(null, 10);
        using var tail = await client.SendAsync(suffix);
        Assert.Equal(content[^10..], await tail.Content.ReadAsByteArrayAsync());

        var bad = new HttpRequestMessage(HttpMethod.Get, $"/v2/alice-app/blobs/{digest}");
        bad.Headers.Range = new RangeHeaderValue(content.Length + 5, null);
        using var unsatisfiable = await client.SendAsync(bad);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, unsatisfiable.StatusCode);
    }

    [Fact]
    public async Task Post_then_put_with_the_whole_body()
    {
        using var client = registry.Client();
        var content = RandomBytes(70_000);
        var digest = Digest.Compute(content);

        using var start = await client.PostAsync("/v2/alice-app/blobs/uploads/", null);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var location = start.Headers.Location!.ToString();
        using var put = await client.PutAsync($"{location}?digest={digest}", new ByteArrayContent(content));

        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal($"/v2/alice-app/blobs/{digest}", put.Headers.Location!.ToString());
        Assert.Equal(content, await client.GetByteArrayAsync($"/v2/alice-app/blobs/{digest}"));
    }

    [Fact]
    public async Task Chunked_upload_with_content_range_and_status()
    {
        using var client = registry.Client();
        var content = RandomBytes(3 * 1024 * 1024 + 123);
        var digest = Digest.Compute(content);
        using var start = await client.PostAsync("/v2/alice-app/web/blobs/uploads/", null);
        var location = start.Headers.Location!.ToString();

        var offset = 0;
        foreach (var size in new[] { 1024 * 1024, 1024 * 1024, content.Length - (2 * 1024 * 1024) })
        {
            using var response = await PatchAsync(client, location, content, offset, size);
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            Assert.Equal($"0-{offset + size - 1}", response.Headers.GetValues("Range").Single());
            location = response.Headers.Location!.ToString();
            offset += size;
        }

        using var status = await client.GetAsync(location);
        Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
        Assert.Equal($"0-{content.Length - 1}", status.Headers.GetValues("Range").Single());

        using var put = await client.PutAsync($"{location}?digest={digest}", null);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(content, await client.GetByteArrayAsync($"/v2/alice-app/web/blobs/{digest}"));
    }

    [Fact]
    public async Task Out_of_order_chunk_is_refused_with_416_and_nothing_appended()
    {
        using var client = registry.Client();
        var content = RandomBytes(1000);
        using var start = await client.PostAsync("/v2/alice-app/blobs/uploads/", null);
        var location = start.Headers.Location!.ToString();
        using (var first = await PatchAsync(client, location, content, 0, 500))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        using var skipped = await PatchAsync(client, location, content, 600, 400);
        await skipped.AssertErrorAsync(HttpStatusCode.RequestedRangeNotSatisfiable, "BLOB_UPLOAD_INVALID");
        Assert.Equal("0-499", skipped.Headers.GetValues("Range").Single());

        var lying = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new ByteArrayContent(content, 500, 100) };
        lying.Content.Headers.TryAddWithoutValidation("Content-Range", "500-999");
        using var mismatch = await client.SendAsync(lying);
        await mismatch.AssertErrorAsync(HttpStatusCode.RequestedRangeNotSatisfiable, "BLOB_UPLOAD_INVALID");

        var garbage = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new ByteArrayContent(content, 500, 100) };
        garbage.Content.Headers.TryAddWithoutValidation("Content-Range", "five-hundred");
        using var malformed = await client.SendAsync(garbage);
        await malformed.AssertErrorAsync(HttpStatusCode.BadRequest, "BLOB_UPLOAD_INVALID");

        using var status = await client.GetAsync(location);
        Assert.Equal("0-499", status.Headers.GetValues("Range").Single());
    }

    [Fact]
    public async Task Interrupted_chunk_resumes_from_the_reported_range()
    {
        using var client = registry.Client();
        var content = RandomBytes(4 * 1024 * 1024);
        var digest = Digest.Compute(content);
        using var start = await client.PostAsync("/v2/alice-app/blobs/uploads/", null);
        var location = start.Headers.Location!.ToString();

        var broken = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new DyingContent(content, 3 * 1024 * 1024 + 77) };
        await Assert.ThrowsAnyAsync<Exception>(() => client.SendAsync(broken));

        // The server keeps whole buffers it received; ask where to resume.
        long resumeAt = -1;
        for (var attempt = 0; attempt < 50 && resumeAt < 0; attempt++)
        {
            using var status = await client.GetAsync(location);
            Assert.Equal(HttpStatusCode.NoContent, status.StatusCode);
            var range = status.Headers.GetValues("Range").Single();
            var end = long.Parse(range.Split('-')[1], System.Globalization.CultureInfo.InvariantCulture);
            resumeAt = range == "0-0" ? 0 : end + 1;
        }

        Assert.InRange(resumeAt, 0, 3 * 1024 * 1024 + 77);
        using (var rest = await PatchAsync(client, location, content, (int)resumeAt, content.Length - (int)resumeAt))
        {
            Assert.Equal(HttpStatusCode.Accepted, rest.StatusCode);
        }

        using var put = await client.PutAsync($"{location}?digest={digest}", null);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(content, await client.GetByteArrayAsync($"/v2/alice-app/blobs/{digest}"));
    }

    [Fact]
    public async Task Cancelled_upload_is_gone()
    {
        using var client = registry.Client();
        using var start = await client.PostAsync("/v2/alice-app/blobs/uploads/", null);
        var location = start.Headers.Location!.ToString();
        using var cancel = await client.DeleteAsync(location);
        Assert.Equal(HttpStatusCode.NoContent, cancel.StatusCode);
        using var status = await client.GetAsync(location);
        await status.AssertErrorAsync(HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
    }

    [Fact]
    public async Task Cross_repository_mount_links_without_upload_only_when_the_source_is_readable()
    {
        using var alice = registry.Client();
        var content = RandomBytes(10_000);
        var digest = await alice.PushBlobAsync("alice-app", content);

        using var mounted = await alice.PostAsync($"/v2/alice-two/blobs/uploads/?mount={digest}&from=alice-app", null);
        Assert.Equal(HttpStatusCode.Created, mounted.StatusCode);
        Assert.Equal(digest.ToString(), mounted.Headers.GetValues("Docker-Content-Digest").Single());
        Assert.Equal(content, await alice.GetByteArrayAsync($"/v2/alice-two/blobs/{digest}"));

        using var bob = registry.Client("bob");
        using var refused = await bob.PostAsync($"/v2/bob-app/blobs/uploads/?mount={digest}&from=alice-app", null);
        Assert.Equal(HttpStatusCode.Accepted, refused.StatusCode);
        using var missing = await bob.GetAsync($"/v2/bob-app/blobs/{digest}");
        await missing.AssertErrorAsync(HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Fact]
    public async Task Deleted_blob_is_unknown_in_that_repository()
    {
        using var client = registry.Client();
        var digest = await client.PushBlobAsync("alice-del", RandomBytes(100));
        using var delete = await client.DeleteAsync($"/v2/alice-del/blobs/{digest}");
        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        using var get = await client.GetAsync($"/v2/alice-del/blobs/{digest}");
        await get.AssertErrorAsync(HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    private static Task<HttpResponseMessage> PatchAsync(HttpClient client, string location, byte[] content, int offset, int count)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new ByteArrayContent(content, offset, count) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        request.Content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + count - 1}");
        return client.SendAsync(request);
    }

    /// <summary>Declares the whole length, sends part of it, then dies like a dropped connection.</summary>
    private sealed class DyingContent(byte[] content, int dieAfter) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(content.AsMemory(0, dieAfter));
            await stream.FlushAsync();
            await Task.Delay(200);
            throw new IOException("simulated network failure");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = content.Length;
            return true;
        }
    }
}

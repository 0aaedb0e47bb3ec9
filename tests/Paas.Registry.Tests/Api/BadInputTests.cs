using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Paas.Oci;
using Paas.Registry.Tests.Infrastructure;

namespace Paas.Registry.Tests.Api;

/// <summary>Each bad input gets the spec's status and error code, and nothing is stored.</summary>
public sealed class BadInputTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    private static byte[] RandomBytes(int length)
    {
        var bytes = new byte[length];
        Random.Shared.NextBytes(bytes);
        return bytes;
    }

    [Theory]
    [InlineData("/v2/Alice-App/tags/list")]
    [InlineData("/v2/alice-app/-bad/tags/list")]
    [InlineData("/v2/alice_/tags/list")]
    [InlineData("/v2/alice-app//web/tags/list")]
    public async Task Names_outside_the_grammar_are_NAME_INVALID(string path)
    {
        using var client = registry.Client();
        using var response = await client.GetAsync(path);
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "NAME_INVALID");
    }

    [Theory]
    [InlineData("/v2/alice-app/..%2F..%2F..%2Fetc/blobs/uploads/")]
    [InlineData("/v2/alice-app/%2e%2e/%2e%2e/blobs/uploads/")]
    [InlineData("/v2/alice-app/../../../tmp/blobs/uploads/")]
    public async Task Path_traversal_never_leaves_the_storage_root(string rawPath)
    {
        var status = await RawRequestAsync("POST", rawPath);
        Assert.True(status is 400 or 404, $"status {status}");
        Assert.False(Directory.Exists(Path.Combine(registry.Root, "..", "etc")));
        Assert.DoesNotContain(Directory.EnumerateDirectories(Path.Combine(registry.Root, "uploads")), d => File.ReadAllText(Path.Combine(d, "repository")).Contains("..", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Monolithic_upload_with_wrong_digest_is_DIGEST_INVALID_and_not_stored()
    {
        using var client = registry.Client();
        var content = RandomBytes(5000);
        var claimed = Digest.Compute(RandomBytes(10));
        using var response = await client.PostAsync($"/v2/alice-app/blobs/uploads/?digest={claimed}", new ByteArrayContent(content));
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "DIGEST_INVALID");
        Assert.Null(await registry.Storage.StatBlobAsync(claimed));
        Assert.Null(await registry.Storage.StatBlobAsync(Digest.Compute(content)));
    }

    [Fact]
    public async Task Put_completing_with_wrong_digest_is_DIGEST_INVALID_and_not_stored()
    {
        using var client = registry.Client();
        var content = RandomBytes(5000);
        using var start = await client.PostAsync("/v2/alice-app/blobs/uploads/", null);
        var claimed = Digest.Compute(RandomBytes(10));
        using var response = await client.PutAsync($"{start.Headers.Location}?digest={claimed}", new ByteArrayContent(content));
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "DIGEST_INVALID");
        Assert.Null(await registry.Storage.StatBlobAsync(Digest.Compute(content)));
        using var status = await client.GetAsync(start.Headers.Location);
        Assert.Equal(HttpStatusCode.NotFound, status.StatusCode);
    }

    [Theory]
    [InlineData("sha256:abc")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("sha256:../../../../etc/passwd")]
    public async Task Malformed_digests_are_DIGEST_INVALID(string digest)
    {
        using var client = registry.Client();
        using var blob = await client.GetAsync($"/v2/alice-app/blobs/{Uri.EscapeDataString(digest)}");
        Assert.True(blob.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, blob.StatusCode.ToString());
        using var upload = await client.PostAsync($"/v2/alice-app/blobs/uploads/?digest={Uri.EscapeDataString(digest)}", new ByteArrayContent([1]));
        await upload.AssertErrorAsync(HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Fact]
    public async Task Manifest_referencing_a_missing_blob_is_MANIFEST_BLOB_UNKNOWN_and_not_stored()
    {
        using var client = registry.Client();
        var config = await client.PushBlobAsync("alice-bad", "{}"u8.ToArray());
        var missing = Digest.Compute(RandomBytes(32));
        var manifest = OciJson.Serialize(new ImageManifest
        {
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = config, Size = 2 },
            Layers = [new Descriptor { MediaType = MediaTypes.OciLayerTarGzip, Digest = missing, Size = 32 }],
        });
        using var response = await client.PutManifestAsync("alice-bad", "v1", manifest, MediaTypes.OciManifest);
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
        Assert.Null(await registry.Storage.StatBlobAsync(Digest.Compute(manifest)));
        Assert.Null(await registry.Storage.ResolveTagAsync("alice-bad", "v1"));
    }

    [Fact]
    public async Task Blob_of_another_repository_cannot_be_referenced_without_mounting()
    {
        using var bob = registry.Client("bob");
        var secret = await bob.PushBlobAsync("bob-secret", RandomBytes(64));
        using var alice = registry.Client();
        var config = await alice.PushBlobAsync("alice-steal", "{}"u8.ToArray());
        var manifest = OciJson.Serialize(new ImageManifest
        {
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = config, Size = 2 },
            Layers = [new Descriptor { MediaType = MediaTypes.OciLayerTarGzip, Digest = secret, Size = 64 }],
        });
        using var response = await alice.PutManifestAsync("alice-steal", "v1", manifest, MediaTypes.OciManifest);
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
    }

    [Fact]
    public async Task Manifest_over_4_MiB_is_413_SIZE_INVALID_and_not_stored()
    {
        using var client = registry.Client();
        var huge = Encoding.UTF8.GetBytes("{\"schemaVersion\":2,\"annotations\":{\"x\":\"" + new string('a', (4 * 1024 * 1024) + 10) + "\"}}");
        using var response = await client.PutManifestAsync("alice-huge", "v1", huge, MediaTypes.OciManifest);
        await response.AssertErrorAsync(HttpStatusCode.RequestEntityTooLarge, "SIZE_INVALID");
        Assert.Null(await registry.Storage.StatBlobAsync(Digest.Compute(huge)));

        // Without a Content-Length the limit is enforced while reading.
        var chunked = new StreamContent(new MemoryStream(huge));
        chunked.Headers.ContentType = new MediaTypeHeaderValue(MediaTypes.OciManifest);
        var request = new HttpRequestMessage(HttpMethod.Put, "/v2/alice-huge/manifests/v2") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var streamed = await client.SendAsync(request);
        await streamed.AssertErrorAsync(HttpStatusCode.RequestEntityTooLarge, "SIZE_INVALID");
    }

    [Theory]
    [InlineData("application/vnd.example.unknown+json")]
    [InlineData("text/plain")]
    public async Task Unknown_manifest_media_type_is_MANIFEST_INVALID(string mediaType)
    {
        using var client = registry.Client();
        var (_, bytes, _) = await client.PushImageAsync("alice-mt", "ok", layers: 1);
        using var response = await client.PutManifestAsync("alice-mt", "bad", bytes, mediaType);
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "MANIFEST_INVALID");
        Assert.Null(await registry.Storage.ResolveTagAsync("alice-mt", "bad"));
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"schemaVersion\":2}")]
    [InlineData("{\"schemaVersion\":1,\"config\":{},\"layers\":[]}")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"config\":{\"mediaType\":\"x\",\"digest\":\"sha256:1\",\"size\":1},\"layers\":[]}")]
    public async Task Malformed_manifests_are_MANIFEST_INVALID(string body)
    {
        using var client = registry.Client();
        using var response = await client.PutManifestAsync("alice-mt", "broken", Encoding.UTF8.GetBytes(body), MediaTypes.OciManifest);
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "MANIFEST_INVALID");
    }

    [Fact]
    public async Task Manifest_put_by_digest_must_match_its_content()
    {
        using var client = registry.Client();
        var (_, bytes, _) = await client.PushImageAsync("alice-mt", "orig", layers: 1);
        var other = Digest.Compute(RandomBytes(8));
        using var response = await client.PutManifestAsync("alice-mt", other.ToString(), bytes, MediaTypes.OciManifest);
        await response.AssertErrorAsync(HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Fact]
    public async Task Unknown_things_are_404_with_their_codes()
    {
        using var client = registry.Client();
        var digest = Digest.Compute(RandomBytes(8));
        using (var blob = await client.GetAsync($"/v2/alice-app/blobs/{digest}"))
        {
            await blob.AssertErrorAsync(HttpStatusCode.NotFound, "BLOB_UNKNOWN");
        }

        using (var manifest = await client.GetAsync("/v2/alice-app/manifests/nope"))
        {
            await manifest.AssertErrorAsync(HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        }

        using (var upload = await client.PatchAsync($"/v2/alice-app/blobs/uploads/{Guid.NewGuid():N}", new ByteArrayContent([1])))
        {
            await upload.AssertErrorAsync(HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        }

        using (var traversalId = await client.GetAsync("/v2/alice-app/blobs/uploads/..%2F..%2Fetc"))
        {
            Assert.True(traversalId.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest);
        }

        // An upload started in one repository cannot be continued from another.
        using var start = await client.PostAsync("/v2/alice-app/blobs/uploads/", null);
        var id = start.Headers.Location!.ToString().Split('/')[^1];
        using var elsewhere = await client.GetAsync($"/v2/alice-other/blobs/uploads/{id}");
        await elsewhere.AssertErrorAsync(HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
    }

    /// <summary>Sends a request line byte for byte (HttpClient would normalise the path).</summary>
    private async Task<int> RawRequestAsync(string method, string rawPath)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(registry.BaseAddress.Host, registry.BaseAddress.Port);
        var stream = tcp.GetStream();
        var auth = Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:alice-token"));
        var request = $"{method} {rawPath} HTTP/1.1\r\nHost: {registry.Host}\r\nAuthorization: Basic {auth}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        var statusLine = await reader.ReadLineAsync() ?? "";
        return int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}

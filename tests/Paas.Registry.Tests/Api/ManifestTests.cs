using System.Net;
using System.Text;
using System.Text.Json;
using Paas.Oci;
using Paas.Registry.Tests.Infrastructure;

namespace Paas.Registry.Tests.Api;

/// <summary>Manifests, indexes, Docker schema 2, negotiation, referrers, tags and catalog.</summary>
public sealed class ManifestTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    [Fact]
    public async Task Oci_manifest_by_tag_and_digest_with_head_and_delete()
    {
        using var client = registry.Client();
        var (digest, bytes, _) = await client.PushImageAsync("alice-app/web", "v1");

        foreach (var reference in new[] { "v1", digest.ToString() })
        {
            var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/alice-app/web/manifests/{reference}");
            request.Headers.Accept.ParseAdd(MediaTypes.OciManifest);
            using var get = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(MediaTypes.OciManifest, get.Content.Headers.ContentType!.MediaType);
            Assert.Equal(digest.ToString(), get.Headers.GetValues("Docker-Content-Digest").Single());
            Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync());
        }

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/v2/alice-app/web/manifests/v1"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Equal(bytes.Length, head.Content.Headers.ContentLength);

        var wrongAccept = new HttpRequestMessage(HttpMethod.Get, "/v2/alice-app/web/manifests/v1");
        wrongAccept.Headers.Accept.ParseAdd(MediaTypes.DockerManifest);
        using var notAcceptable = await client.SendAsync(wrongAccept);
        await notAcceptable.AssertErrorAsync(HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");

        using var deleteTag = await client.DeleteAsync("/v2/alice-app/web/manifests/v1");
        Assert.Equal(HttpStatusCode.Accepted, deleteTag.StatusCode);
        using var byTag = await client.GetAsync("/v2/alice-app/web/manifests/v1");
        await byTag.AssertErrorAsync(HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        using (var stillByDigest = await client.GetAsync($"/v2/alice-app/web/manifests/{digest}"))
        {
            Assert.Equal(HttpStatusCode.OK, stillByDigest.StatusCode);
        }

        using var deleteDigest = await client.DeleteAsync($"/v2/alice-app/web/manifests/{digest}");
        Assert.Equal(HttpStatusCode.Accepted, deleteDigest.StatusCode);
        using var gone = await client.GetAsync($"/v2/alice-app/web/manifests/{digest}");
        await gone.AssertErrorAsync(HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Fact]
    public async Task Docker_schema2_manifest_and_manifest_list()
    {
        using var client = registry.Client();
        var config = """{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"""u8.ToArray();
        var layer = Encoding.UTF8.GetBytes(Guid.NewGuid().ToString());
        var configDigest = await client.PushBlobAsync("alice-docker", config);
        var layerDigest = await client.PushBlobAsync("alice-docker", layer);
        var manifest = OciJson.Serialize(new ImageManifest
        {
            MediaType = MediaTypes.DockerManifest,
            Config = new Descriptor { MediaType = MediaTypes.DockerConfig, Digest = configDigest, Size = config.Length },
            Layers = [new Descriptor { MediaType = MediaTypes.DockerLayerTarGzip, Digest = layerDigest, Size = layer.Length }],
        });
        using (var put = await client.PutManifestAsync("alice-docker", "amd64", manifest, MediaTypes.DockerManifest))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var list = OciJson.Serialize(new ImageIndex
        {
            MediaType = MediaTypes.DockerManifestList,
            Manifests = [new Descriptor { MediaType = MediaTypes.DockerManifest, Digest = Digest.Compute(manifest), Size = manifest.Length, Platform = new Platform { Architecture = "amd64", Os = "linux" } }],
        });
        using (var put = await client.PutManifestAsync("alice-docker", "latest", list, MediaTypes.DockerManifestList))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var request = new HttpRequestMessage(HttpMethod.Get, "/v2/alice-docker/manifests/latest");
        request.Headers.Accept.ParseAdd($"{MediaTypes.DockerManifestList}, {MediaTypes.DockerManifest}");
        using var get = await client.SendAsync(request);
        Assert.Equal(MediaTypes.DockerManifestList, get.Content.Headers.ContentType!.MediaType);
        Assert.Equal(list, await get.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Oci_index_must_reference_manifests_in_the_repository()
    {
        using var client = registry.Client();
        var (digest, bytes, _) = await client.PushImageAsync("alice-index", "amd64", layers: 1);
        var missing = Digest.Compute(Encoding.UTF8.GetBytes(Guid.NewGuid().ToString()));
        var bad = OciJson.Serialize(new ImageIndex { Manifests = [new Descriptor { MediaType = MediaTypes.OciManifest, Digest = missing, Size = 10 }] });
        using (var refused = await client.PutManifestAsync("alice-index", "multi", bad, MediaTypes.OciIndex))
        {
            await refused.AssertErrorAsync(HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
        }

        var good = OciJson.Serialize(new ImageIndex { Manifests = [new Descriptor { MediaType = MediaTypes.OciManifest, Digest = digest, Size = bytes.Length }] });
        using var put = await client.PutManifestAsync("alice-index", "multi", good, MediaTypes.OciIndex);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    [Fact]
    public async Task Referrers_list_manifests_pushed_with_a_subject()
    {
        using var client = registry.Client();
        var (subject, bytes, _) = await client.PushImageAsync("alice-ref", "v1");
        var subjectDescriptor = new Descriptor { MediaType = MediaTypes.OciManifest, Digest = subject, Size = bytes.Length };

        var config = "{}"u8.ToArray();
        var emptyDigest = await client.PushBlobAsync("alice-ref", config);
        var signature = OciJson.Serialize(new ImageManifest
        {
            ArtifactType = "application/vnd.example.signature",
            Config = new Descriptor { MediaType = MediaTypes.OciEmpty, Digest = emptyDigest, Size = 2 },
            Layers = [new Descriptor { MediaType = MediaTypes.OciEmpty, Digest = emptyDigest, Size = 2 }],
            Subject = subjectDescriptor,
        });
        var signatureDigest = Digest.Compute(signature);
        using (var put = await client.PutManifestAsync("alice-ref", signatureDigest.ToString(), signature, MediaTypes.OciManifest))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            Assert.Equal(subject.ToString(), put.Headers.GetValues("OCI-Subject").Single());
        }

        await client.PushImageAsync("alice-ref", "sbom", layers: 1, subject: subjectDescriptor, artifactType: "application/vnd.example.sbom");

        using var all = await client.GetAsync($"/v2/alice-ref/referrers/{subject}");
        Assert.Equal(MediaTypes.OciIndex, all.Content.Headers.ContentType!.MediaType);
        var index = OciJson.DeserializeIndex(await all.Content.ReadAsByteArrayAsync());
        Assert.Equal(2, index.Manifests.Count);
        Assert.Contains(index.Manifests, m => m.Digest == signatureDigest && m.ArtifactType == "application/vnd.example.signature" && m.Size == signature.Length);

        using var filtered = await client.GetAsync($"/v2/alice-ref/referrers/{subject}?artifactType=application/vnd.example.sbom");
        Assert.Equal("artifactType", filtered.Headers.GetValues("OCI-Filters-Applied").Single());
        var sbom = Assert.Single(OciJson.DeserializeIndex(await filtered.Content.ReadAsByteArrayAsync()).Manifests);
        Assert.Equal("signature", sbom.Annotations!["org.example.kind"]);

        using var none = await client.GetAsync($"/v2/alice-ref/referrers/{emptyDigest}");
        Assert.Empty(OciJson.DeserializeIndex(await none.Content.ReadAsByteArrayAsync()).Manifests);
    }

    [Fact]
    public async Task Tags_list_paginates_with_link_headers()
    {
        using var client = registry.Client();
        var (digest, bytes, _) = await client.PushImageAsync("alice-tags", "a", layers: 1);
        foreach (var tag in new[] { "b", "c", "d", "e" })
        {
            using var put = await client.PutManifestAsync("alice-tags", tag, bytes, MediaTypes.OciManifest);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        var seen = new List<string>();
        var next = "/v2/alice-tags/tags/list?n=2";
        while (next is not null)
        {
            using var page = await client.GetAsync(next);
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            using var doc = JsonDocument.Parse(await page.Content.ReadAsStringAsync());
            Assert.Equal("alice-tags", doc.RootElement.GetProperty("name").GetString());
            seen.AddRange(doc.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!));
            next = page.Headers.TryGetValues("Link", out var link) ? link.Single().Split('>')[0].TrimStart('<') : null;
        }

        Assert.Equal(["a", "b", "c", "d", "e"], seen);
        using var last = await client.GetAsync("/v2/alice-tags/tags/list?last=c");
        Assert.Contains("\"tags\":[\"d\",\"e\"]", await last.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var unknown = await client.GetAsync("/v2/alice-nothing/tags/list");
        await unknown.AssertErrorAsync(HttpStatusCode.NotFound, "NAME_UNKNOWN");
        using var badN = await client.GetAsync("/v2/alice-tags/tags/list?n=-1");
        await badN.AssertErrorAsync(HttpStatusCode.BadRequest, "PAGINATION_NUMBER_INVALID");
        _ = digest;
    }

    [Fact]
    public async Task Catalog_paginates_and_lists_only_what_the_caller_may_pull()
    {
        using var alice = registry.Client();
        await alice.PushBlobAsync("alice-cat1", [1]);
        await alice.PushBlobAsync("alice-cat2/sub", [2]);
        await alice.PushBlobAsync("alice-cat3", [3]);
        using var bob = registry.Client("bob");
        await bob.PushBlobAsync("bob-cat", [4]);

        var seen = new List<string>();
        var next = "/v2/_catalog?n=1";
        while (next is not null)
        {
            using var page = await alice.GetAsync(next);
            using var doc = JsonDocument.Parse(await page.Content.ReadAsStringAsync());
            seen.AddRange(doc.RootElement.GetProperty("repositories").EnumerateArray().Select(t => t.GetString()!));
            next = page.Headers.TryGetValues("Link", out var link) ? link.Single().Split('>')[0].TrimStart('<') : null;
        }

        Assert.Contains("alice-cat1", seen);
        Assert.Contains("alice-cat2/sub", seen);
        Assert.DoesNotContain("bob-cat", seen);
        Assert.Equal(seen.Order(StringComparer.Ordinal), seen);

        using var bobCatalog = await bob.GetAsync("/v2/_catalog");
        Assert.Contains("bob-cat", await bobCatalog.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("alice", await bobCatalog.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Paas.Oci;
using Paas.Registry.Gc;
using Paas.Registry.Tests.Infrastructure;

namespace Paas.Registry.Tests.Api;

/// <summary>Garbage collection over a registry with its own storage (no other test shares it).</summary>
public sealed class GarbageCollectionTests : IAsyncLifetime
{
    private readonly RegistryFixture _registry = new();

    public ValueTask InitializeAsync() => _registry.InitializeAsync();

    public ValueTask DisposeAsync() => _registry.DisposeAsync();

    [Fact]
    public async Task Finds_unreferenced_blobs_dry_run_first_then_removes_only_them()
    {
        using var client = _registry.Client();
        var (manifest, _, model) = await client.PushImageAsync("alice-gc", "v1", layers: 3);
        var (indexChild, childBytes, childModel) = await client.PushImageAsync("alice-gc", "child", layers: 1);
        var index = OciJson.Serialize(new ImageIndex { Manifests = [new Descriptor { MediaType = MediaTypes.OciManifest, Digest = indexChild, Size = childBytes.Length }] });
        using (var put = await client.PutManifestAsync("alice-gc", "multi", index, MediaTypes.OciIndex))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        // The child is reachable only through the index once its tag is gone.
        using (var untag = await client.DeleteAsync("/v2/alice-gc/manifests/child"))
        {
            Assert.Equal(HttpStatusCode.Accepted, untag.StatusCode);
        }

        var orphan = await client.PushBlobAsync("alice-gc", [1, 2, 3, 4, 5]);
        var gc = _registry.Services.GetRequiredService<RegistryGarbageCollector>();

        var young = await gc.CollectAsync();
        Assert.True(young.DryRun);
        Assert.Empty(young.Unreferenced);
        Assert.Equal(1, young.SkippedYoung);

        var dry = await gc.CollectAsync(minimumAge: TimeSpan.Zero);
        Assert.Equal([orphan], dry.Unreferenced);
        Assert.Equal(5, dry.Bytes);
        Assert.NotNull(await _registry.Storage.StatBlobAsync(orphan));

        var real = await gc.CollectAsync(dryRun: false, minimumAge: TimeSpan.Zero);
        Assert.Equal([orphan], real.Unreferenced);
        Assert.Null(await _registry.Storage.StatBlobAsync(orphan));
        foreach (var digest in model.Layers.Select(l => l.Digest).Append(model.Config.Digest).Append(manifest).Append(indexChild).Concat(childModel.Layers.Select(l => l.Digest)))
        {
            Assert.NotNull(await _registry.Storage.StatBlobAsync(digest));
        }

        using var gone = await client.GetAsync($"/v2/alice-gc/blobs/{orphan}");
        await gone.AssertErrorAsync(HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }
}

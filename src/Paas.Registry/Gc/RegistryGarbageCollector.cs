using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Paas.Oci;
using Paas.Registry.Storage;

namespace Paas.Registry.Gc;

/// <summary>
/// Mark and sweep over the storage driver, as <c>paasd registry gc</c> runs it: mark every manifest
/// linked into any repository (tagged or not), its config and layers and, for an index, its child
/// manifests; then sweep blobs not marked, and expired upload sessions (<see cref="UploadInfo.IsExpired"/> with
/// <see cref="RegistryOptions.UploadExpiry"/>, which the registry also discards by itself). Dry run by default.
/// </summary>
/// <remarks>
/// Blobs younger than the minimum age are spared, so an image being pushed (layers uploaded, manifest
/// not yet) survives a concurrent collection. Repository links to removed blobs answer 404 afterwards.
/// </remarks>
/// <param name="storage">The storage driver.</param>
/// <param name="options">The registry's options (<see cref="RegistryOptions.UploadExpiry"/>).</param>
/// <param name="time">The clock.</param>
/// <param name="logger">Where the summary is logged; optional.</param>
public sealed class RegistryGarbageCollector(IRegistryStorageDriver storage, IOptions<RegistryOptions> options, TimeProvider time, ILogger<RegistryGarbageCollector>? logger = null)
{
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <summary>Finds, and unless <paramref name="dryRun"/> removes, blobs that no manifest references.</summary>
    /// <param name="dryRun">True (the default) to only report.</param>
    /// <param name="minimumAge">Spare unreferenced blobs younger than this; default 1 hour. <see cref="TimeSpan.Zero"/> spares none.</param>
    /// <param name="cancellationToken">Cancels the collection.</param>
    /// <returns>What was found.</returns>
    public async Task<GarbageCollectionResult> CollectAsync(bool dryRun = true, TimeSpan? minimumAge = null, CancellationToken cancellationToken = default)
    {
        var marked = new HashSet<Digest>();
        foreach (var repository in await storage.ListRepositoriesAsync(cancellationToken).ConfigureAwait(false))
        {
            await foreach (var revision in storage.ListManifestsAsync(repository, cancellationToken).ConfigureAwait(false))
            {
                await MarkAsync(revision.Digest, revision.MediaType, marked, cancellationToken).ConfigureAwait(false);
            }
        }

        var cutoff = time.GetUtcNow() - (minimumAge ?? TimeSpan.FromHours(1));
        var unreferenced = new List<Digest>();
        long bytes = 0;
        var young = 0;
        await foreach (var blob in storage.ListBlobsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (marked.Contains(blob.Digest))
            {
                continue;
            }

            if (blob.LastModified > cutoff)
            {
                young++;
                continue;
            }

            unreferenced.Add(blob.Digest);
            bytes += blob.Size;
        }

        var abandoned = new List<string>();
        var now = time.GetUtcNow();
        await foreach (var upload in storage.ListUploadsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (upload.IsExpired(now, options.Value.UploadExpiry))
            {
                abandoned.Add(upload.Id);
            }
        }

        if (!dryRun)
        {
            foreach (var digest in unreferenced)
            {
                await storage.DeleteBlobAsync(digest, cancellationToken).ConfigureAwait(false);
            }

            foreach (var id in abandoned)
            {
                await storage.CancelUploadAsync(id, cancellationToken).ConfigureAwait(false);
            }
        }

        RegistryLog.GarbageCollected(_logger, dryRun ? "dry run" : "delete", unreferenced.Count, bytes);
        return new GarbageCollectionResult(dryRun, unreferenced, bytes, marked.Count, young, abandoned.Count);
    }

    private async Task MarkAsync(Digest digest, string mediaType, HashSet<Digest> marked, CancellationToken cancellationToken)
    {
        if (!marked.Add(digest))
        {
            return;
        }

        var stream = await storage.OpenBlobAsync(digest, cancellationToken).ConfigureAwait(false);
        if (stream is null)
        {
            return;
        }

        byte[] bytes;
        await using (stream.ConfigureAwait(false))
        {
            bytes = new byte[stream.Length];
            await stream.ReadExactlyAsync(bytes, cancellationToken).ConfigureAwait(false);
        }

        ParsedManifest parsed;
        try
        {
            parsed = ManifestParser.Parse(bytes, mediaType);
        }
        catch (ManifestFormatException)
        {
            return;
        }

        foreach (var blob in parsed.Blobs)
        {
            marked.Add(blob.Digest);
        }

        foreach (var child in parsed.Manifests)
        {
            await MarkAsync(child.Digest, child.MediaType, marked, cancellationToken).ConfigureAwait(false);
        }
    }
}

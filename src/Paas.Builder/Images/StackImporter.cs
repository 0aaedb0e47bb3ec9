using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Oci;

namespace Paas.Builder;

/// <summary>
/// Imports the configured stack (<see cref="BuilderOptions.StackImage"/>) into the platform's registry as
/// <c>paas/stack</c>, tagged with the stack's name (e.g. <c>paas-22</c>) and <c>latest</c>, so Dockerfiles can start <c>FROM paas/stack</c> and builds can mount its layers into each app's
/// repository instead of uploading them. Content-addressed: a blob the registry has is skipped (<c>HEAD</c>), so a
/// restart with the same stack sends nothing but the manifest. paasd calls it once the registry listens.
/// </summary>
public sealed class StackImporter
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromMinutes(10) };
    private readonly IOptions<BuilderOptions> _options;
    private readonly StackSource _source;
    private readonly ILogger<StackImporter> _logger;

    internal StackImporter(IOptions<BuilderOptions> options, StackSource source, ILogger<StackImporter> logger)
    {
        _options = options;
        _source = source;
        _logger = logger;
    }

    /// <summary>Pushes the stack's blobs (those missing) and its manifest to the registry.</summary>
    /// <param name="cancellationToken">Cancels the import.</param>
    /// <returns>The stack's manifest reference (<c>HOST/paas/stack@sha256:...</c>), or null when no stack is configured.</returns>
    /// <exception cref="HttpRequestException">The registry refused a blob or the manifest.</exception>
    /// <exception cref="InvalidOperationException">The builder has no registry configured.</exception>
    public async Task<string?> ImportAsync(CancellationToken cancellationToken = default)
    {
        var stack = _source.Stack;
        if (stack is null)
        {
            return null;
        }

        var target = RegistryTarget.Of(_options.Value) ?? throw new InvalidOperationException("the builder has no registry to import the stack into");
        var registry = target.Url;
        var pusher = new RegistryPusher(Http, registry, target.Username, target.Password);
        var sent = 0L;
        foreach (var blob in stack.Manifest.Layers.Append(stack.Manifest.Config))
        {
            if (await pusher.PushBlobAsync(StackContract.Repository, blob, () => File.OpenRead(stack.BlobPath(blob.Digest)), cancellationToken).ConfigureAwait(false))
            {
                sent += blob.Size;
            }
        }

        await pusher.PushManifestAsync(StackContract.Repository, stack.Name, stack.ManifestBytes, MediaTypes.OciManifest, cancellationToken).ConfigureAwait(false);
        await pusher.PushManifestAsync(StackContract.Repository, "latest", stack.ManifestBytes, MediaTypes.OciManifest, cancellationToken).ConfigureAwait(false); // FROM paas/stack
        var reference = $"{registry.Authority}/{StackContract.Repository}@{stack.ManifestDigest}";
        BuilderLog.StackImported(_logger, reference, stack.Layout, sent);
        return reference;
    }
}

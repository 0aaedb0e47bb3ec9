using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Paas.Builder;

/// <summary>
/// The one-time URLs between the builder and its build pods (Deis slugbuilder's flow, with the builder as the object store):
/// per build, two downloads (the source tarball, the app's build cache) and two uploads (the slug, the new build cache),
/// each behind its own token of 256 random bits, each good for one request, all revoked when the build ends
/// (<see cref="BuildTransfer.Dispose"/>), whatever happened. Served by <see cref="BuildTransferApi"/> at
/// <c>/v2/builder/transfers/{token}</c> on the builder's port.
/// </summary>
internal sealed class BuildTransfers
{
    private readonly ConcurrentDictionary<string, BuildTransferFile> _downloads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BuildTransferFile> _uploads = new(StringComparer.Ordinal);

    /// <summary>Opens the transfers of one build.</summary>
    /// <param name="source">The source tarball a GET of <see cref="BuildTransfer.Source"/> serves.</param>
    /// <param name="slug">The file a PUT of <see cref="BuildTransfer.Slug"/> writes.</param>
    /// <param name="maxSlugBytes">The largest slug accepted, in bytes.</param>
    /// <param name="cacheIn">The cache tarball a GET of <see cref="BuildTransfer.CacheIn"/> serves.</param>
    /// <param name="cacheOut">The file a PUT of <see cref="BuildTransfer.CacheOut"/> writes.</param>
    /// <param name="maxCacheBytes">The largest cache accepted, in bytes.</param>
    /// <returns>The transfer; dispose it when the build ends.</returns>
    public BuildTransfer Open(string source, string slug, long maxSlugBytes, string cacheIn, string cacheOut, long maxCacheBytes)
    {
        var transfer = new BuildTransfer(
            this,
            new BuildTransferFile(NewToken(), "source", source, 0),
            new BuildTransferFile(NewToken(), "slug", slug, maxSlugBytes),
            new BuildTransferFile(NewToken(), "build cache", cacheIn, 0),
            new BuildTransferFile(NewToken(), "build cache", cacheOut, maxCacheBytes));
        _downloads[transfer.Source.Token] = transfer.Source;
        _downloads[transfer.CacheIn.Token] = transfer.CacheIn;
        _uploads[transfer.Slug.Token] = transfer.Slug;
        _uploads[transfer.CacheOut.Token] = transfer.CacheOut;
        return transfer;
    }

    /// <summary>Takes the file a download token belongs to (once).</summary>
    public BuildTransferFile? TakeDownload(string token) => _downloads.TryRemove(token, out var t) ? t : null;

    /// <summary>Takes the file an upload token belongs to (once).</summary>
    public BuildTransferFile? TakeUpload(string token) => _uploads.TryRemove(token, out var t) ? t : null;

    /// <summary>Revokes every token of <paramref name="transfer"/>.</summary>
    internal void Revoke(BuildTransfer transfer)
    {
        _downloads.TryRemove(transfer.Source.Token, out _);
        _downloads.TryRemove(transfer.CacheIn.Token, out _);
        _uploads.TryRemove(transfer.Slug.Token, out _);
        _uploads.TryRemove(transfer.CacheOut.Token, out _);
    }

    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}

/// <summary>The one-time transfers of one build (see <see cref="BuildTransfers"/>).</summary>
internal sealed class BuildTransfer(BuildTransfers owner, BuildTransferFile source, BuildTransferFile slug, BuildTransferFile cacheIn, BuildTransferFile cacheOut) : IDisposable
{
    /// <summary>The source download: a gzip tar of <c>app/</c> and <c>env/</c> (see <see cref="SlugArchive"/>).</summary>
    public BuildTransferFile Source { get; } = source;

    /// <summary>The slug upload: a gzip tar of <c>app/</c> and <c>release.yml</c>.</summary>
    public BuildTransferFile Slug { get; } = slug;

    /// <summary>The build cache download: a gzip tar of <c>cache/</c>, empty for the app's first build.</summary>
    public BuildTransferFile CacheIn { get; } = cacheIn;

    /// <summary>The new build cache's upload: a gzip tar of <c>cache/</c> (CACHE_DIR after a successful compile).</summary>
    public BuildTransferFile CacheOut { get; } = cacheOut;

    /// <summary>Revokes the tokens.</summary>
    public void Dispose() => owner.Revoke(this);
}

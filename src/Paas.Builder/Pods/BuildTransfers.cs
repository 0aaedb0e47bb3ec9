using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Paas.Builder;

/// <summary>
/// The one-time URLs between the builder and its build pods (Deis slugbuilder's flow, with the builder as the object store):
/// per build, a download token for the source tarball and an upload token for the slug tarball, each 256 random bits, each
/// good for one request, both revoked when the build ends (<see cref="BuildTransfer.Dispose"/>), whatever happened. Served by
/// <see cref="BuildTransferApi"/> at <c>/v2/builder/transfers/{token}</c> on the builder's port.
/// </summary>
internal sealed class BuildTransfers
{
    private readonly ConcurrentDictionary<string, BuildTransfer> _downloads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, BuildTransfer> _uploads = new(StringComparer.Ordinal);

    /// <summary>Opens the transfers of one build.</summary>
    /// <param name="source">The file a GET of <see cref="BuildTransfer.DownloadToken"/> serves.</param>
    /// <param name="slug">The file a PUT of <see cref="BuildTransfer.UploadToken"/> writes.</param>
    /// <param name="maxSlugBytes">The largest upload accepted, in bytes.</param>
    /// <returns>The transfer; dispose it when the build ends.</returns>
    public BuildTransfer Open(string source, string slug, long maxSlugBytes)
    {
        var transfer = new BuildTransfer(this, NewToken(), NewToken(), source, slug, maxSlugBytes);
        _downloads[transfer.DownloadToken] = transfer;
        _uploads[transfer.UploadToken] = transfer;
        return transfer;
    }

    /// <summary>Takes the transfer a download token belongs to (once).</summary>
    public BuildTransfer? TakeDownload(string token) => _downloads.TryRemove(token, out var t) ? t : null;

    /// <summary>Takes the transfer an upload token belongs to (once).</summary>
    public BuildTransfer? TakeUpload(string token) => _uploads.TryRemove(token, out var t) ? t : null;

    /// <summary>Revokes both tokens of <paramref name="transfer"/>.</summary>
    internal void Revoke(BuildTransfer transfer)
    {
        _downloads.TryRemove(transfer.DownloadToken, out _);
        _uploads.TryRemove(transfer.UploadToken, out _);
    }

    private static string NewToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
}

/// <summary>The one-time transfers of one build (see <see cref="BuildTransfers"/>).</summary>
internal sealed class BuildTransfer(BuildTransfers owner, string downloadToken, string uploadToken, string source, string slug, long maxSlugBytes) : IDisposable
{
    private int _uploaded;

    /// <summary>The source download's token.</summary>
    public string DownloadToken { get; } = downloadToken;

    /// <summary>The slug upload's token.</summary>
    public string UploadToken { get; } = uploadToken;

    /// <summary>The source tarball (gzip tar of <c>app/</c> and <c>env/</c>).</summary>
    public string SourcePath { get; } = source;

    /// <summary>Where the uploaded slug tarball is written.</summary>
    public string SlugPath { get; } = slug;

    /// <summary>The largest upload accepted, in bytes.</summary>
    public long MaxSlugBytes { get; } = maxSlugBytes;

    /// <summary>Whether a complete slug was received.</summary>
    public bool SlugReceived => Volatile.Read(ref _uploaded) == 1;

    /// <summary>Marks the slug as received (by the upload handler, once its file is complete).</summary>
    public void MarkReceived() => Volatile.Write(ref _uploaded, 1);

    /// <summary>Revokes the tokens.</summary>
    public void Dispose() => owner.Revoke(this);
}

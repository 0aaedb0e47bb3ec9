using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Registry.Storage;

namespace Paas.Registry.Uploads;

/// <summary>
/// The life of blob upload sessions over the storage driver: a repository holds at most
/// <see cref="RegistryOptions.MaxOpenUploadsPerRepository"/> open sessions, and a session not finished within
/// <see cref="RegistryOptions.UploadExpiry"/> of its start is discarded (<see cref="UploadInfo.IsExpired"/>), whether a
/// request names it (<see cref="FindAsync"/>) or the <see cref="UploadExpirySweeper"/> meets it.
/// </summary>
internal sealed class UploadSessions(IRegistryStorageDriver storage, IOptions<RegistryOptions> options, TimeProvider time, ILogger<UploadSessions> logger)
{
    /// <summary>Serializes count-then-start, so concurrent starts cannot together pass the limit.</summary>
    private readonly SemaphoreSlim _starting = new(1, 1);

    /// <summary>Starts a session in <paramref name="repository"/>, unless it holds the most open sessions allowed already.</summary>
    /// <param name="repository">The repository name (valid).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new session, or null with the number of open sessions when the limit is reached.</returns>
    public async Task<(UploadInfo? Upload, int Open)> StartAsync(string repository, CancellationToken cancellationToken)
    {
        await _starting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var open = 0;
            await foreach (var upload in storage.ListUploadsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (upload.Repository == repository && !await DiscardIfExpiredAsync(upload, cancellationToken).ConfigureAwait(false))
                {
                    open++;
                }
            }

            if (open >= options.Value.MaxOpenUploadsPerRepository)
            {
                RegistryLog.TooManyUploads(logger, repository, open);
                return (null, open);
            }

            return (await storage.StartUploadAsync(repository, cancellationToken).ConfigureAwait(false), open + 1);
        }
        finally
        {
            _starting.Release();
        }
    }

    /// <summary>The session <paramref name="id"/> of <paramref name="repository"/>; an expired one is discarded first.</summary>
    /// <param name="repository">The repository the request names.</param>
    /// <param name="id">The session id from the request.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The session, or null (and whether it was just discarded as expired) when it cannot be used.</returns>
    public async Task<(UploadInfo? Upload, bool Expired)> FindAsync(string repository, string id, CancellationToken cancellationToken)
    {
        var upload = await storage.GetUploadAsync(id, cancellationToken).ConfigureAwait(false);
        if (upload is null || upload.Repository != repository)
        {
            return (null, false);
        }

        return await DiscardIfExpiredAsync(upload, cancellationToken).ConfigureAwait(false) ? (null, true) : (upload, false);
    }

    /// <summary>Discards every expired session.</summary>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    /// <returns>How many were discarded.</returns>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var discarded = 0;
        await foreach (var upload in storage.ListUploadsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (await DiscardIfExpiredAsync(upload, cancellationToken).ConfigureAwait(false))
            {
                discarded++;
            }
        }

        return discarded;
    }

    private async Task<bool> DiscardIfExpiredAsync(UploadInfo upload, CancellationToken cancellationToken)
    {
        if (!upload.IsExpired(time.GetUtcNow(), options.Value.UploadExpiry))
        {
            return false;
        }

        if (await storage.CancelUploadAsync(upload.Id, cancellationToken).ConfigureAwait(false))
        {
            RegistryLog.UploadExpired(logger, upload.Id, upload.Repository, upload.Size, upload.StartedAt);
        }

        return true;
    }
}

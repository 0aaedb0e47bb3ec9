namespace Paas.Registry.Storage;

/// <summary>An upload session in progress (OCI distribution spec, "Pushing a blob in chunks").</summary>
/// <param name="Id">The session id: 32 lower-case hex characters.</param>
/// <param name="Repository">The repository the upload was started in.</param>
/// <param name="Size">Bytes received so far; the next chunk must start at this offset.</param>
/// <param name="StartedAt">When the session was started, UTC.</param>
public sealed record UploadInfo(string Id, string Repository, long Size, DateTimeOffset StartedAt)
{
    /// <summary>
    /// Whether the session is past its expiry at <paramref name="now"/>: started <paramref name="expiry"/> or longer ago
    /// (<see cref="RegistryOptions.UploadExpiry"/>). The one rule every discarding of unfinished uploads follows.
    /// </summary>
    /// <param name="now">The current time.</param>
    /// <param name="expiry">How long a session may stay unfinished.</param>
    /// <returns>True when expired.</returns>
    public bool IsExpired(DateTimeOffset now, TimeSpan expiry) => now - StartedAt >= expiry;
}

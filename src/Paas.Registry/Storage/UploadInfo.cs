namespace Paas.Registry.Storage;

/// <summary>An upload session in progress (OCI distribution spec, "Pushing a blob in chunks").</summary>
/// <param name="Id">The session id: 32 lower-case hex characters.</param>
/// <param name="Repository">The repository the upload was started in.</param>
/// <param name="Size">Bytes received so far; the next chunk must start at this offset.</param>
/// <param name="StartedAt">When the session was started, UTC.</param>
public sealed record UploadInfo(string Id, string Repository, long Size, DateTimeOffset StartedAt);

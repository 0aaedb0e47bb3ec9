using Microsoft.Extensions.Logging;

namespace Paas.Registry;

/// <summary>Source-generated log messages of the registry, with stable event ids (7000-7099).</summary>
internal static partial class RegistryLog
{
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Blob {Digest} ({Size} bytes) stored in {Repository}")]
    public static partial void BlobStored(ILogger logger, string repository, string digest, long size);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Manifest {Digest} ({MediaType}) pushed to {Repository} as {Reference}")]
    public static partial void ManifestPushed(ILogger logger, string repository, string reference, string digest, string mediaType);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "{User} denied {Action} on {Repository}")]
    public static partial void Denied(ILogger logger, string user, string action, string repository);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Error, Message = "Registry request {Method} {Path} failed")]
    public static partial void RequestFailed(ILogger logger, Exception exception, string method, string path);

    [LoggerMessage(EventId = 7005, Level = LogLevel.Debug, Message = "Client went away during {Method} {Path}")]
    public static partial void ClientAborted(ILogger logger, string method, string path);

    [LoggerMessage(EventId = 7006, Level = LogLevel.Information, Message = "Token issued to {User} for {Scopes}")]
    public static partial void TokenIssued(ILogger logger, string user, string scopes);

    [LoggerMessage(EventId = 7010, Level = LogLevel.Information, Message = "Garbage collection ({Mode}): {Count} unreferenced blobs, {Bytes} bytes")]
    public static partial void GarbageCollected(ILogger logger, string mode, int count, long bytes);

    [LoggerMessage(EventId = 7011, Level = LogLevel.Information, Message = "Upload {Id} in {Repository} expired unfinished ({Size} bytes received, started {StartedAt:O}); discarded")]
    public static partial void UploadExpired(ILogger logger, string id, string repository, long size, DateTimeOffset startedAt);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Warning, Message = "Upload refused in {Repository}: {Open} unfinished uploads are open, the most allowed")]
    public static partial void TooManyUploads(ILogger logger, string repository, int open);

    [LoggerMessage(EventId = 7013, Level = LogLevel.Warning, Message = "Sweeping expired uploads failed: {Reason}; the next sweep tries again")]
    public static partial void UploadSweepFailed(ILogger logger, string reason);
}

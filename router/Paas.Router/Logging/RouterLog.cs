using Microsoft.Extensions.Logging;

namespace Paas.Router.Logging;

/// <summary>The router's own diagnostics, source-generated. Event ids are stable: 7100-7199.</summary>
internal static partial class RouterLog
{
    [LoggerMessage(EventId = 7100, Level = LogLevel.Information, Message = "Route table in force: {AppCount} apps, {CertificateCount} certificates")]
    public static partial void RouteTableUpdated(ILogger logger, int appCount, int certificateCount);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Certificate {Name} skipped: {Reason}")]
    public static partial void CertificateRejected(ILogger logger, string name, string reason);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Information, Message = "{App} {Line}")]
    public static partial void RouterLine(ILogger logger, string app, string line);

    [LoggerMessage(EventId = 7103, Level = LogLevel.Warning, Message = "Endpoint {Process} ({Address}) of {App} refused the connection; out of rotation for {RetryAfter}")]
    public static partial void EndpointOutOfRotation(ILogger logger, string app, string process, string address, TimeSpan retryAfter);

    [LoggerMessage(EventId = 7104, Level = LogLevel.Debug, Message = "Forward to {Process} of {App} failed: {Error}")]
    public static partial void ForwardFailed(ILogger logger, string app, string process, string error, Exception? exception);

    [LoggerMessage(EventId = 7105, Level = LogLevel.Information, Message = "Created a self-signed certificate for {Names} in {Path}")]
    public static partial void PlatformCertificateCreated(ILogger logger, string names, string path);

    [LoggerMessage(EventId = 7106, Level = LogLevel.Information, Message = "Platform certificate {Subject} loaded from {Path}, valid until {NotAfter:u}")]
    public static partial void PlatformCertificateLoaded(ILogger logger, string subject, string path, DateTime notAfter);

    [LoggerMessage(EventId = 7107, Level = LogLevel.Debug, Message = "No route for host {Host}")]
    public static partial void UnknownHost(ILogger logger, string host);

    [LoggerMessage(EventId = 7108, Level = LogLevel.Error, Message = "A callback on a cancelled first-byte timeout threw; the timeout fired and the router goes on")]
    public static partial void HeartbeatCallbackFailed(ILogger logger, Exception exception);
}

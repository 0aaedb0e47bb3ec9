using Microsoft.Extensions.Logging;

namespace Paas.Builder;

/// <summary>The builder's log messages (event ids 4000-4099).</summary>
internal static partial class BuilderLog
{
    [LoggerMessage(4000, LogLevel.Information, "Push to {App} by {User} accepted for build {PushId}")]
    public static partial void PushStarted(ILogger logger, string app, string user, string pushId);

    [LoggerMessage(4001, LogLevel.Information, "Build of {App} at {Sha} released v{Version} in {Elapsed} ms")]
    public static partial void BuildSucceeded(ILogger logger, string app, string sha, int version, long elapsed);

    [LoggerMessage(4002, LogLevel.Warning, "Build of {App} failed ({Failure}): {Reason}")]
    public static partial void BuildFailed(ILogger logger, string app, BuildFailure failure, string reason);

    [LoggerMessage(4003, LogLevel.Warning, "Git {Service} for {App} refused: {Status}")]
    public static partial void GitRefused(ILogger logger, string service, string app, int status);

    [LoggerMessage(4004, LogLevel.Error, "Build of {App} crashed")]
    public static partial void BuildCrashed(ILogger logger, Exception exception, string app);

    [LoggerMessage(4005, LogLevel.Warning, "git {Service} for {App} exited with {ExitCode}: {Error}")]
    public static partial void GitFailed(ILogger logger, string service, string app, int exitCode, string error);

    [LoggerMessage(4006, LogLevel.Information, "Stack {Reference} imported from {Layout} ({Bytes} bytes sent)")]
    public static partial void StackImported(ILogger logger, string reference, string layout, long bytes);

    [LoggerMessage(4007, LogLevel.Information, "Build of {App} runs in pod {Namespace}/{Pod} from image {Image}")]
    public static partial void BuildPodStarting(ILogger logger, string app, string @namespace, string pod, string image);

    [LoggerMessage(4008, LogLevel.Information, "Build pod {Pod} of {App} ended: {End} (exit code {ExitCode}) {Message}")]
    public static partial void BuildPodEnded(ILogger logger, string app, string pod, BuildPodEnd end, int? exitCode, string? message);

    [LoggerMessage(4009, LogLevel.Information, "Removed the quarantine {Quarantine} of a push that ended without finishing ({Age} old)")]
    public static partial void QuarantineRemoved(ILogger logger, string quarantine, TimeSpan age);

    [LoggerMessage(4010, LogLevel.Warning, "Could not remove the quarantine {Quarantine}: {Reason}; the next sweep tries again")]
    public static partial void QuarantineNotRemoved(ILogger logger, string quarantine, string reason);
}

using Microsoft.Extensions.Logging;

namespace Paas.Kubernetes;

/// <summary>The build pods' log messages (event ids 5300-5309).</summary>
internal static partial class KubernetesBuildPodsLog
{
    [LoggerMessage(5300, LogLevel.Warning, "The build pod {Namespace}/{Pod} could not be deleted: {Reason}; delete it by hand (label app.kubernetes.io/component=build)")]
    public static partial void DeleteFailed(ILogger logger, string @namespace, string pod, string reason);
}

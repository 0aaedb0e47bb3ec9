using k8s.Models;

namespace Paas.Kubernetes.Processes;

/// <summary>
/// Recognises pods that will not come up without a change: the container states a kubelet reports for them (v1.28
/// recordings 06, 07, 09): <c>CrashLoopBackOff</c>, <c>ImagePullBackOff</c>/<c>ErrImagePull</c>, <c>InvalidImageName</c>,
/// <c>CreateContainerConfigError</c>/<c>CreateContainerError</c>, and a last run that ended <c>OOMKilled</c>.
/// </summary>
public static class PodProblems
{
    private static readonly HashSet<string> Hopeless = new(StringComparer.Ordinal)
    {
        "CrashLoopBackOff", "ImagePullBackOff", "ErrImagePull", "InvalidImageName", "CreateContainerConfigError", "CreateContainerError", "ErrImageNeverPull", "RunContainerError",
    };

    /// <summary>
    /// Restarts before a crash loop counts: the second crash (on a real node about 16 s after the first start, recording 06b),
    /// so that a start the container runtime failed once does not fail a deploy.
    /// </summary>
    public const int MinimumRestarts = 2;

    /// <summary>Why <paramref name="pod"/> will not come up, in words, or null while it may still.</summary>
    /// <param name="pod">The pod.</param>
    /// <param name="imagePullIsFatal">Whether a first <c>ErrImagePull</c> already counts (during a deploy: the image was just pushed, so it exists or never will).</param>
    /// <returns>The reason, or null.</returns>
    public static string? Reason(V1Pod pod, bool imagePullIsFatal = true)
    {
        foreach (var container in pod.Status?.ContainerStatuses ?? [])
        {
            if (container.State?.Terminated is { Reason: "OOMKilled" } || container.LastState?.Terminated is { Reason: "OOMKilled" })
            {
                return $"ran out of memory (OOMKilled, limit {pod.Spec?.Containers?.FirstOrDefault()?.Resources?.Limits?.Find("memory")})";
            }

            if (container.State?.Waiting is { Reason: { } reason } waiting && Hopeless.Contains(reason) && (imagePullIsFatal || reason != "ErrImagePull"))
            {
                var last = container.LastState?.Terminated;
                if (reason == "CrashLoopBackOff" && container.RestartCount < MinimumRestarts)
                {
                    continue; // one failed start may be the node's (a runtime hiccup): the kubelet retries, and so do we
                }

                return reason switch
                {
                    "CrashLoopBackOff" when last is not null => $"crashed: exited with status {last.ExitCode} ({last.Reason}{(string.IsNullOrEmpty(last.Message) ? "" : ": " + last.Message.Trim())}), {container.RestartCount} restarts (CrashLoopBackOff)",
                    "CrashLoopBackOff" => "crashed repeatedly (CrashLoopBackOff)",
                    _ => $"{reason}: {waiting.Message}",
                };
            }
        }

        return null;
    }
}

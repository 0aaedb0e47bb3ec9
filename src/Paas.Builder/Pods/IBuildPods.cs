namespace Paas.Builder;

/// <summary>
/// Runs one build pod to its end: creates it, streams its log line by line, reports how it ended, and deletes it in every
/// case (success, failure, deadline, cancellation). The builder owns this contract; the Kubernetes scheduler's project
/// implements it (<c>Paas.Kubernetes.KubernetesBuildPods</c>), so the builder holds no Kubernetes client code.
/// </summary>
public interface IBuildPods
{
    /// <summary>Runs <paramref name="spec"/>.</summary>
    /// <param name="spec">The pod.</param>
    /// <param name="onLine">Called for each line of the container's log, in order, as it is written.</param>
    /// <param name="cancellationToken">Stops waiting and deletes the pod (build timeout, cancelled push).</param>
    /// <returns>How the pod ended; expected failures (image pull, deadline, OOM kill, API server refusing or unreachable) are
    /// results, not exceptions.</returns>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired (the pod was deleted).</exception>
    Task<BuildPodResult> RunAsync(BuildPodSpec spec, Func<string, Task> onLine, CancellationToken cancellationToken);
}

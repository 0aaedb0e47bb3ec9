namespace Paas.Scheduling;

/// <summary>
/// Turns a release and a formation into running processes. Implementations: the local process runtime
/// (the embedded default), podman and Kubernetes later; <see cref="RecordingScheduler"/> is the test double.
/// Every implementation runs the same conformance suite. Calls for one app are serialized by the caller
/// (the controller's deploy coordinator); calls for different apps may run concurrently.
/// </summary>
public interface IScheduler
{
    /// <summary>
    /// Deploys a new release without downtime: starts its processes, waits until they are up, switches
    /// traffic to them, then stops the previous release's processes.
    /// </summary>
    /// <param name="spec">What to run.</param>
    /// <param name="cancellationToken">Cancels the wait (the scheduler then stops what it started).</param>
    /// <returns>Success, or the reason the new processes did not come up (the old ones keep serving).</returns>
    Task<DeployResult> DeployAsync(DeploymentSpec spec, CancellationToken cancellationToken);

    /// <summary>Starts or stops processes of the already deployed release so that each type runs <see cref="DeploymentSpec.Formation"/> processes.</summary>
    /// <param name="spec">The current release with the new formation.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the change has been applied (processes may still be starting).</returns>
    Task ScaleAsync(DeploymentSpec spec, CancellationToken cancellationToken);

    /// <summary>Restarts processes in a rolling way.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="target">A process type (<c>web</c>), one process (<c>web.2</c>), or null for all.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the restart has been ordered.</returns>
    Task RestartAsync(string app, string? target, CancellationToken cancellationToken);

    /// <summary>Lists the app's processes, sorted by type then index.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The processes; empty for an app with nothing running.</returns>
    Task<IReadOnlyList<ProcessStatus>> ListAsync(string app, CancellationToken cancellationToken);

    /// <summary>Stops every process of the app and frees what the scheduler holds for it.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the app's processes are gone.</returns>
    Task DestroyAsync(string app, CancellationToken cancellationToken);
}

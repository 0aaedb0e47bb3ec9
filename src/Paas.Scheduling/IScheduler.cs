namespace Paas.Scheduling;

/// <summary>
/// Turns a release and a formation into running processes. Implementations: the local process runtime (the embedded
/// default), podman (<see cref="Podman.PodmanScheduler"/>) and Kubernetes (<c>Paas.Kubernetes</c>); the tests' <c>RecordingScheduler</c> is a test double.
/// Every implementation runs the same conformance suite. Calls for one app are serialized by the caller
/// (the controller's deploy coordinator); calls for different apps may run concurrently.
/// </summary>
public interface IScheduler
{
    /// <summary>
    /// Whether this scheduler honours <see cref="DeploymentSpec.Autoscale"/> (Kubernetes: HorizontalPodAutoscalers). The API
    /// refuses <c>paas autoscale</c> with a sentence naming the scheduler that can when this is false (the default).
    /// </summary>
    bool SupportsAutoscaling => false;

    /// <summary>
    /// Whether <see cref="RunAsync"/> honours <see cref="RunRequest.Terminal"/>: runs the process on a pseudo-terminal and
    /// applies resizes. The API grants a TTY to <c>paas run</c> only when this is true, and otherwise tells the caller that
    /// it runs without one (the default: false).
    /// </summary>
    bool SupportsTty => false;

    /// <summary>
    /// Deploys a new release without downtime: starts its processes, waits until they are up, switches
    /// traffic to them, then stops the previous release's processes. It may answer once traffic is switched, while the
    /// previous processes still drain and stop (<see cref="ListAsync"/> then lists them as stopping), as a Kubernetes
    /// rollout is complete while old pods terminate; the app's next operation waits for them.
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

    /// <summary>
    /// Runs a one-off process (<c>paas run CMD</c>) from <see cref="RunRequest.Spec"/>'s release and waits for it to end,
    /// writing each line it prints (standard output and error) to <paramref name="output"/> unless the run is detached.
    /// </summary>
    /// <param name="request">What to run.</param>
    /// <param name="output">Receives each output line (without its newline) as it is written; awaited before the next line.</param>
    /// <param name="cancellationToken">Ends the process (the caller went away).</param>
    /// <returns>Its exit status, or why it could not start.</returns>
    Task<RunResult> RunAsync(RunRequest request, Func<string, CancellationToken, ValueTask> output, CancellationToken cancellationToken);

    /// <summary>
    /// The start-up reconciliation: makes what runs match <paramref name="desired"/>, the current release and formation of
    /// every app as the database records them. Apps in the list whose release is not running are started (no deploy
    /// checks: their processes come up, or crash and are restarted); apps not in the list are stopped. The controller calls
    /// it once after the platform starts, before it accepts deploys; it is also safe to call again later.
    /// </summary>
    /// <param name="desired">One spec per app that should run (apps whose current release has no build are left out).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes once every app's processes have been started or stopped.</returns>
    Task ReconcileAsync(IReadOnlyCollection<DeploymentSpec> desired, CancellationToken cancellationToken);
}

namespace Paas.Scheduling.Local;

/// <summary>
/// The scheduling both schedulers on this machine share (<see cref="MachineScheduling{TRelease, TProcess}"/>), as
/// <see cref="MachineScheduler"/> forwards <see cref="IScheduler"/> and <see cref="IEndpointFeed"/> to it.
/// </summary>
internal interface IMachineScheduling
{
    /// <summary>See <see cref="IEndpointFeed.Version"/>.</summary>
    long Version { get; }

    /// <summary>See <see cref="IEndpointFeed.GetEndpoints"/>.</summary>
    /// <param name="app">The app's name.</param>
    /// <returns>Its up web processes.</returns>
    IReadOnlyList<AppEndpoint> GetEndpoints(string app);

    /// <summary>See <see cref="IScheduler.DeployAsync"/>.</summary>
    /// <param name="spec">What to run.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Success, or why not.</returns>
    Task<DeployResult> DeployAsync(DeploymentSpec spec, CancellationToken cancellationToken);

    /// <summary>See <see cref="IScheduler.ScaleAsync"/>.</summary>
    /// <param name="spec">The current release with the new formation.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the change has been applied.</returns>
    Task ScaleAsync(DeploymentSpec spec, CancellationToken cancellationToken);

    /// <summary>See <see cref="IScheduler.RestartAsync"/>.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="target">A process type, one process, or null for all.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the restart is done.</returns>
    Task RestartAsync(string app, string? target, CancellationToken cancellationToken);

    /// <summary>See <see cref="IScheduler.ListAsync"/>.</summary>
    /// <param name="app">The app's name.</param>
    /// <returns>The processes.</returns>
    IReadOnlyList<ProcessStatus> List(string app);

    /// <summary>See <see cref="IScheduler.RunAsync"/>.</summary>
    /// <param name="request">What to run.</param>
    /// <param name="output">Receives each output line.</param>
    /// <param name="cancellationToken">Ends the process.</param>
    /// <returns>Its exit status, or why it could not start.</returns>
    Task<RunResult> RunAsync(RunRequest request, Func<string, CancellationToken, ValueTask> output, CancellationToken cancellationToken);

    /// <summary>See <see cref="IScheduler.DestroyAsync"/>.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the app is gone.</returns>
    Task DestroyAsync(string app, CancellationToken cancellationToken);

    /// <summary>See <see cref="IScheduler.ReconcileAsync"/>.</summary>
    /// <param name="desired">One spec per app that should run.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes once every app's processes have been started or stopped.</returns>
    Task ReconcileAsync(IReadOnlyCollection<DeploymentSpec> desired, CancellationToken cancellationToken);

    /// <summary>Shuts down: stops every process, or abandons them to the next platform process.</summary>
    /// <param name="stopProcesses">True: stop them; false: abandon them.</param>
    /// <returns>A task that completes when done.</returns>
    Task ShutDownAsync(bool stopProcesses);

    /// <summary>Forgets every process without stopping it, as if the platform had crashed (for recovery tests).</summary>
    void Abandon();
}

namespace Paas.Scheduling.Local;

/// <summary>
/// A scheduler that runs apps' processes on this machine: the local runtime (<see cref="LocalProcessScheduler"/>) and
/// podman (<see cref="Podman.PodmanScheduler"/>). It implements <see cref="IScheduler"/> and <see cref="IEndpointFeed"/>
/// once, with the scheduling both share (deploys, retirement of old processes, scaling, restarts, runs, pending releases,
/// reconciliation); each says what it does its own way. Only this assembly derives from it.
/// </summary>
public abstract class MachineScheduler : IScheduler, IEndpointFeed, IAsyncDisposable
{
    private protected MachineScheduler()
    {
    }

    /// <summary>
    /// True: a one-off run with a TTY gets a pseudo-terminal of this machine (<see cref="PseudoTerminal"/>): the local
    /// runtime makes it the process's controlling terminal, podman copies it to and from the container's terminal
    /// (<c>podman run --tty</c>); it is resized as the caller's window changes. Should none be left, the run goes on with pipes.
    /// </summary>
    public bool SupportsTty => true;

    /// <inheritdoc />
    public long Version => Scheduling.Version;

    /// <summary>The scheduling this scheduler shares, with what it does its own way.</summary>
    private protected abstract IMachineScheduling Scheduling { get; }

    /// <inheritdoc />
    public event EventHandler<string>? Changed;

    /// <inheritdoc />
    public IReadOnlyList<AppEndpoint> GetEndpoints(string app) => Scheduling.GetEndpoints(app);

    /// <inheritdoc />
    public Task<DeployResult> DeployAsync(DeploymentSpec spec, CancellationToken cancellationToken) => Scheduling.DeployAsync(spec, cancellationToken);

    /// <inheritdoc />
    public Task ScaleAsync(DeploymentSpec spec, CancellationToken cancellationToken) => Scheduling.ScaleAsync(spec, cancellationToken);

    /// <inheritdoc />
    public Task RestartAsync(string app, string? target, CancellationToken cancellationToken) => Scheduling.RestartAsync(app, target, cancellationToken);

    /// <inheritdoc />
    public virtual Task<IReadOnlyList<ProcessStatus>> ListAsync(string app, CancellationToken cancellationToken) => Task.FromResult(Scheduling.List(app));

    /// <inheritdoc />
    public Task DestroyAsync(string app, CancellationToken cancellationToken) => Scheduling.DestroyAsync(app, cancellationToken);

    /// <inheritdoc />
    public Task<RunResult> RunAsync(RunRequest request, Func<string, CancellationToken, ValueTask> output, CancellationToken cancellationToken) =>
        Scheduling.RunAsync(request, output, cancellationToken);

    /// <inheritdoc />
    public Task ReconcileAsync(IReadOnlyCollection<DeploymentSpec> desired, CancellationToken cancellationToken) => Scheduling.ReconcileAsync(desired, cancellationToken);

    /// <summary>Ends the scheduler as the platform shuts down (what becomes of the processes is each scheduler's own).</summary>
    /// <returns>A task that completes when it has ended.</returns>
    public abstract ValueTask DisposeAsync();

    /// <summary>Forgets every process without stopping it, as if the platform had crashed (for recovery tests).</summary>
    internal void Abandon() => Scheduling.Abandon();

    /// <summary>Tells <see cref="Changed"/>'s listeners that <paramref name="app"/>'s endpoints changed.</summary>
    /// <param name="app">The app's name.</param>
    private protected void OnChanged(string app) => Changed?.Invoke(this, app);
}

namespace Paas.Scheduling.Local;

/// <summary>
/// What a scheduler on this machine does its own way, under the scheduling both share (<see cref="MachineScheduling{TRelease, TProcess}"/>):
/// making a release runnable (the local runtime unpacks a slug, podman pulls an image), making its processes, what an
/// app's stop and destroy leave to clean, and what a prune removes.
/// </summary>
/// <typeparam name="TRelease">What the processes of one release share.</typeparam>
/// <typeparam name="TProcess">One supervised process.</typeparam>
internal interface IMachineRuntime<TRelease, TProcess>
    where TRelease : class, ISupervisedRelease
    where TProcess : class, ISupervisedProcess
{
    /// <summary>Makes <paramref name="spec"/>'s release runnable on this machine.</summary>
    /// <param name="spec">The release.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>
    /// The release, or null with why not: <c>Failure</c> in a few words (a pending release's reason), <c>Message</c> as a
    /// deploy or run answers it (<c>the image of v5 is not available: ...</c>).
    /// </returns>
    Task<(TRelease? Release, string? Failure, string? Message)> PrepareAsync(DeploymentSpec spec, CancellationToken cancellationToken);

    /// <summary>
    /// Starts a one-off process of <paramref name="release"/> and writes <c>Starting process NAME with command `CMD`</c>
    /// to the app's logs; its output and input go through its pipes, or <paramref name="terminal"/> when given.
    /// </summary>
    /// <param name="release">The release, made runnable.</param>
    /// <param name="name">Its name (<c>run.1234</c>).</param>
    /// <param name="request">What to run.</param>
    /// <param name="terminal">The pseudo-terminal to run it on, or null.</param>
    /// <returns>The process, or null with why it could not start.</returns>
    (OneOffProcess? Run, string? Failure) StartRun(TRelease release, string name, RunRequest request, PseudoTerminal? terminal);

    /// <summary>Whether <paramref name="release"/> can start processes (false: rebuilt after a restart, until a reconcile completes it).</summary>
    /// <param name="release">The release that runs.</param>
    /// <returns>True when complete.</returns>
    bool IsComplete(TRelease release);

    /// <summary>
    /// Keeps the processes found running for <paramref name="current"/>, an incomplete release, when <paramref name="release"/>
    /// completes it: they are given <paramref name="release"/>, processes of other releases are stopped, and it becomes the
    /// app's current release. The caller holds the app's operations lock.
    /// </summary>
    /// <param name="app">The app.</param>
    /// <param name="current">Its current release.</param>
    /// <param name="release">The release just prepared.</param>
    /// <returns>True when kept; false to replace every process.</returns>
    Task<bool> KeepRunningAsync(AppRuntime<TRelease, TProcess> app, TRelease current, TRelease release);

    /// <summary><paramref name="release"/> with another formation (the same release).</summary>
    /// <param name="release">The release.</param>
    /// <param name="spec">Its spec with the new formation.</param>
    /// <returns>The release with <paramref name="spec"/>.</returns>
    TRelease WithSpec(TRelease release, DeploymentSpec spec);

    /// <summary>A process of <paramref name="release"/>, not started.</summary>
    /// <param name="release">Its release.</param>
    /// <param name="type">Its process type.</param>
    /// <param name="index">Its number within the type.</param>
    /// <returns>The process.</returns>
    TProcess Create(TRelease release, string type, int index);

    /// <summary>The process that replaces <paramref name="old"/> in a rolling restart, not started.</summary>
    /// <param name="old">The process restarted.</param>
    /// <param name="current">The app's current release, or null.</param>
    /// <returns>The replacement.</returns>
    TProcess Replacement(TProcess old, TRelease? current);

    /// <summary>Removes what is left of an app once its supervised processes are stopped (podman: containers a stop could not reach).</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when done.</returns>
    Task AppStoppedAsync(string app, CancellationToken cancellationToken);

    /// <summary>Frees what the scheduler holds for a destroyed app (its user, its network); its logs are deleted after.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when done.</returns>
    Task AppDestroyedAsync(string app, CancellationToken cancellationToken);

    /// <summary>Removes the slugs or images that no release in <paramref name="inUse"/> needs.</summary>
    /// <param name="inUse">The images of apps' current releases and of deploys and runs in flight.</param>
    /// <returns>A task that completes when done; failures are logged, not thrown.</returns>
    Task PruneAsync(IReadOnlySet<string> inUse);

    /// <summary>Logs a deploy that switched traffic.</summary>
    /// <param name="spec">The release deployed.</param>
    void LogDeployed(DeploymentSpec spec);

    /// <summary>Logs a deploy whose new processes did not boot.</summary>
    /// <param name="spec">The release.</param>
    /// <param name="reason">Why.</param>
    void LogDeployFailed(DeploymentSpec spec, string reason);

    /// <summary>Logs a release that cannot run yet (kept as pending).</summary>
    /// <param name="spec">The release.</param>
    /// <param name="reason">Why.</param>
    void LogUnavailable(DeploymentSpec spec, string reason);

    /// <summary>Logs a run that asked for a terminal and runs without one (none is left).</summary>
    /// <param name="reason">Why.</param>
    void LogNoTerminal(string reason);
}

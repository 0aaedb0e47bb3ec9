namespace Paas.Scheduling.Local;

/// <summary>
/// What a runtime holds for one app: its current release and processes, and those being stopped (the local runtime:
/// <see cref="ReleaseContext"/> and <see cref="Dyno"/>; podman: its container release and containers).
/// </summary>
/// <typeparam name="TRelease">What the processes of one release share.</typeparam>
/// <typeparam name="TProcess">One supervised process.</typeparam>
internal sealed class AppRuntime<TRelease, TProcess>(string name)
    where TRelease : class
    where TProcess : class, ISupervisedProcess
{
    private readonly Lock _gate = new();
    private List<TProcess> _current = [];
    private readonly List<TProcess> _stopping = [];

    public string Name { get; } = name;

    /// <summary>Serializes the runtime's operations on this app (the controller also serializes them; recovery does not).</summary>
    public SemaphoreSlim Operations { get; } = new(1, 1);

    /// <summary>The release that runs, or null.</summary>
    public TRelease? Current { get; set; }

    /// <summary>A release that should run but could not start yet (its image could not be pulled), retried with back-off; or null.</summary>
    public PendingRelease? Pending { get; set; }

    public IReadOnlyList<TProcess> Dynos
    {
        get
        {
            lock (_gate)
            {
                return [.. _current];
            }
        }
    }

    public IReadOnlyList<TProcess> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _current, .. _stopping];
            }
        }
    }

    /// <summary>Replaces the current processes; the replaced ones are listed as stopping until <see cref="Forget"/>.</summary>
    public IReadOnlyList<TProcess> Replace(IEnumerable<TProcess> next, IEnumerable<TProcess> leaving)
    {
        lock (_gate)
        {
            var gone = leaving.ToList();
            _current = [.. next];
            _stopping.AddRange(gone);
            return gone;
        }
    }

    /// <summary>
    /// Carries out a planned formation change (<see cref="FormationChange.Plan"/>): the kept and started processes become
    /// the current ones, the started ones start (restarted after a crash, never given up), the router hears of the change
    /// when any leave, and the leaving ones drain (<see cref="DrainAsync"/>) and stop. The caller holds <see cref="Operations"/>.
    /// </summary>
    public async Task ChangeAsync((List<TProcess> Kept, List<TProcess> Leaving, List<TProcess> Starting) plan, LocalRuntimeOptions options, Action endpointsChanged)
    {
        Replace([.. plan.Kept, .. plan.Starting], plan.Leaving);
        foreach (var process in plan.Starting)
        {
            _ = process.StartAsync(giveUpOnFailedBoot: false);
        }

        if (plan.Leaving.Count > 0)
        {
            endpointsChanged();
        }

        await DrainAsync(plan.Leaving, options).ConfigureAwait(false);
        await StopAllAsync(plan.Leaving, options).ConfigureAwait(false);
        Forget(plan.Leaving);
    }

    /// <summary>Stops every process and forgets the release (the app is stopped or destroyed). The caller holds <see cref="Operations"/>.</summary>
    public async Task StopEverythingAsync(LocalRuntimeOptions options)
    {
        var old = Replace([], Dynos);
        Current = null;
        Pending = null;
        await StopAllAsync(old, options).ConfigureAwait(false);
        Forget(old);
    }

    /// <summary>
    /// Waits out <paramref name="pending"/>'s back-off, then, under <see cref="Operations"/>, tries it again with
    /// <paramref name="apply"/> when it is still this app's pending release and <paramref name="stillRuns"/> (the app was not
    /// stopped or replaced meanwhile); a runtime shutting down (<paramref name="stopping"/>) ends the wait quietly.
    /// </summary>
    public async Task RetryAsync(PendingRelease pending, Func<bool> stillRuns, Func<CancellationToken, Task> apply, Action endpointsChanged, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(pending.Delay, stopping).ConfigureAwait(false);
            await Operations.WaitAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            if (ReferenceEquals(Pending, pending) && stillRuns())
            {
                await apply(stopping).ConfigureAwait(false);
                endpointsChanged();
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
        {
            // The runtime is shutting down.
        }
        finally
        {
            Operations.Release();
        }
    }

    /// <summary>Lets leaving web processes finish what they serve before they stop: <see cref="LocalRuntimeOptions.EndpointDrainDelay"/> when any of them is up.</summary>
    public static Task DrainAsync(IReadOnlyCollection<TProcess> leaving, LocalRuntimeOptions options) =>
        leaving.Any(p => p.IsWeb && p.State == ProcessState.Up) && options.EndpointDrainDelay > TimeSpan.Zero
            ? Task.Delay(options.EndpointDrainDelay)
            : Task.CompletedTask;

    /// <summary>Stops the processes together, each with <see cref="LocalRuntimeOptions.StopGracePeriod"/>.</summary>
    public static Task StopAllAsync(IEnumerable<TProcess> processes, LocalRuntimeOptions options) =>
        Task.WhenAll(processes.Select(p => p.StopAsync(options.StopGracePeriod)));

    public void Forget(IEnumerable<TProcess> stopped)
    {
        lock (_gate)
        {
            foreach (var dyno in stopped)
            {
                _stopping.Remove(dyno);
            }
        }
    }
}

/// <summary>A release the runtime could not start yet, and when it tries again.</summary>
/// <param name="Spec">The release and formation wanted.</param>
/// <param name="Reason">Why it could not start, in words.</param>
/// <param name="Attempts">How many attempts failed so far.</param>
/// <param name="Delay">The back-off before the next attempt.</param>
/// <param name="NextAttempt">When the next one is due.</param>
internal sealed record PendingRelease(DeploymentSpec Spec, string Reason, int Attempts, TimeSpan Delay, DateTimeOffset NextAttempt)
{
    /// <summary>
    /// The pending release after one more failed attempt to run <paramref name="spec"/>: the back-off doubles from
    /// <see cref="LocalRuntimeOptions.CrashBackoffInitial"/> up to <see cref="LocalRuntimeOptions.CrashBackoffMax"/> while
    /// the same spec keeps failing, and starts again for another spec (the rule of both schedulers on this machine).
    /// </summary>
    public static PendingRelease After(PendingRelease? previous, DeploymentSpec spec, string reason, LocalRuntimeOptions options)
    {
        var again = previous is not null && previous.Spec == spec ? previous : null;
        var delay = again is null ? options.CrashBackoffInitial : options.NextBackoff(again.Delay);
        return new PendingRelease(spec, reason, (again?.Attempts ?? 0) + 1, delay, DateTimeOffset.UtcNow + delay);
    }

    /// <summary>The app log's line: <c>Cannot run v5 yet: REASON; trying again in 2 s</c>.</summary>
    public string Message => $"Cannot run v{Spec.Release} yet: {Reason}; trying again in {Delay.TotalSeconds:0} s";
}

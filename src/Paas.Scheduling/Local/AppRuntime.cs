namespace Paas.Scheduling.Local;

/// <summary>
/// What a runtime holds for one app: its current release and processes, and those being stopped (the local runtime:
/// <see cref="ReleaseContext"/> and <see cref="Dyno"/>; podman: its container release and containers).
/// </summary>
/// <typeparam name="TRelease">What the processes of one release share.</typeparam>
/// <typeparam name="TProcess">One supervised process.</typeparam>
internal sealed class AppRuntime<TRelease, TProcess>(string name)
    where TRelease : class
    where TProcess : class
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

namespace Paas.Scheduling.Local;

/// <summary>What the local runtime holds for one app: its current release and processes, and those being stopped.</summary>
internal sealed class AppRuntime(string name)
{
    private readonly Lock _gate = new();
    private List<Dyno> _current = [];
    private readonly List<Dyno> _stopping = [];

    public string Name { get; } = name;

    /// <summary>Serializes the runtime's operations on this app (the controller also serializes them; recovery does not).</summary>
    public SemaphoreSlim Operations { get; } = new(1, 1);

    /// <summary>The release that runs, or null.</summary>
    public ReleaseContext? Current { get; set; }

    /// <summary>A release that should run but could not start yet (its image could not be pulled), retried with back-off; or null.</summary>
    public PendingRelease? Pending { get; set; }

    public IReadOnlyList<Dyno> Dynos
    {
        get
        {
            lock (_gate)
            {
                return [.. _current];
            }
        }
    }

    public IReadOnlyList<Dyno> All
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
    public IReadOnlyList<Dyno> Replace(IEnumerable<Dyno> next, IEnumerable<Dyno> leaving)
    {
        lock (_gate)
        {
            var gone = leaving.ToList();
            _current = [.. next];
            _stopping.AddRange(gone);
            return gone;
        }
    }

    public void Forget(IEnumerable<Dyno> stopped)
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
internal sealed record PendingRelease(DeploymentSpec Spec, string Reason, int Attempts, TimeSpan Delay, DateTimeOffset NextAttempt);

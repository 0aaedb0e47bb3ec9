namespace Paas.Scheduling;

/// <summary>The state of one process, as <c>paas ps</c> shows it.</summary>
public enum ProcessState
{
    /// <summary>Started, not yet up (not yet listening on PORT, or its health check not yet passing).</summary>
    Starting,

    /// <summary>Running and, for web processes, accepting connections.</summary>
    Up,

    /// <summary>Exited unexpectedly; waiting for its restart back-off.</summary>
    Crashed,

    /// <summary>Asked to stop; within its grace period.</summary>
    Stopping,

    /// <summary>Not running.</summary>
    Down,
}

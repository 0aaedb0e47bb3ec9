namespace Paas.Scheduling;

/// <summary>The outcome of <see cref="IScheduler.RunAsync"/>.</summary>
/// <param name="Name">The process name, <c>run.4821</c>.</param>
/// <param name="ExitCode">The exit status; 128 + N when killed by signal N (137 after the time limit); -1 when it never started.</param>
/// <param name="TimedOut">Whether the time limit ended it.</param>
/// <param name="FailureReason">Why it could not be started (slug unavailable, runtime without processes), or null.</param>
public sealed record RunResult(string Name, int ExitCode, bool TimedOut, string? FailureReason)
{
    /// <summary>A run that could not start.</summary>
    /// <param name="name">The process name it would have had.</param>
    /// <param name="reason">Why.</param>
    /// <returns>The result.</returns>
    public static RunResult NotStarted(string name, string reason) => new(name, -1, false, reason);
}

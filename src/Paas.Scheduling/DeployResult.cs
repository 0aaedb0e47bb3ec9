namespace Paas.Scheduling;

/// <summary>The outcome of <see cref="IScheduler.DeployAsync"/>: an expected failure is a value, not an exception.</summary>
/// <param name="Succeeded">Whether the new release's processes came up.</param>
/// <param name="FailureReason">Why not, in one line a person can act on (e.g. "web.1 did not listen on PORT within 60 s").</param>
public sealed record DeployResult(bool Succeeded, string? FailureReason)
{
    /// <summary>A successful deploy.</summary>
    public static DeployResult Success { get; } = new(true, null);

    /// <summary>A failed deploy.</summary>
    /// <param name="reason">Why it failed.</param>
    /// <returns>The result.</returns>
    public static DeployResult Failure(string reason) => new(false, reason);
}

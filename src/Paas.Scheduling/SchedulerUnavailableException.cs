namespace Paas.Scheduling;

/// <summary>
/// The scheduler's back-end cannot do what was asked for a reason a person can act on (the Kubernetes API server is
/// unreachable, the platform's account lacks a permission, a quota is exhausted, the app's namespace is being deleted).
/// The API answers it as a problem: 503 when <see cref="IsTransient"/>, else 422, with <see cref="Exception.Message"/>.
/// </summary>
/// <param name="message">One sentence that says what was wrong and what to do.</param>
/// <param name="isTransient">True when trying again later may work (unreachable, terminating namespace).</param>
/// <param name="inner">The underlying exception, for the platform's log.</param>
public sealed class SchedulerUnavailableException(string message, bool isTransient, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Whether trying again later may work (503) or the platform's setup must change first (422).</summary>
    public bool IsTransient { get; } = isTransient;
}

namespace Paas.Scheduling;

/// <summary>
/// A duty that one platform replica at a time performs, such as following the Kubernetes pods' logs (which, done by every
/// replica writing into one shared log store, would repeat each line). Backed by a lease in the platform's database that
/// the holder renews; a replica that stops or dies stops renewing and another takes the duty over. A scheduler that is
/// given none performs the duty itself (one process).
/// </summary>
public interface IReplicaLease
{
    /// <summary>The lease's name, e.g. <c>pod-logs</c>.</summary>
    string Name { get; }

    /// <summary>Whether this replica holds the lease now, so performs the duty.</summary>
    bool IsHeld { get; }

    /// <summary>Raised when <see cref="IsHeld"/> changes, on a background thread. Handlers must be quick and must not throw.</summary>
    event EventHandler? Changed;
}

using k8s.Models;

namespace Paas.Kubernetes.Rollouts;

/// <summary>
/// Where a Deployment's rollout stands, read from its status as <c>kubectl rollout status</c> reads it (Kubernetes
/// documentation, "Deployments: Deployment status"): complete once the controller has observed the latest generation and
/// <c>replicas == updatedReplicas == availableReplicas == spec.replicas</c> (terminating pods are not counted; zero counts are
/// left out of the status, so absent means 0); failed once <c>Progressing</c> is False with <c>ProgressDeadlineExceeded</c>.
/// </summary>
/// <param name="Complete">Whether the rollout is done.</param>
/// <param name="Failure">Why it cannot finish, or null.</param>
/// <param name="Progress">What it waits for, in words (<c>1 of 2 updated processes available</c>).</param>
public sealed record RolloutState(bool Complete, string? Failure, string Progress)
{
    /// <summary>Reads the state of <paramref name="deployment"/>.</summary>
    /// <param name="deployment">The Deployment as the API server returns it.</param>
    /// <returns>The state.</returns>
    public static RolloutState Of(V1Deployment deployment)
    {
        var desired = deployment.Spec?.Replicas ?? 1;
        var status = deployment.Status;
        var generation = deployment.Metadata?.Generation ?? 0;
        if (status is null || (status.ObservedGeneration ?? 0) < generation)
        {
            return new(false, null, "waiting for the deployment controller");
        }

        var progressing = status.Conditions?.FirstOrDefault(c => c.Type == "Progressing");
        if (progressing is { Status: "False", Reason: "ProgressDeadlineExceeded" })
        {
            return new(false, $"the rollout made no progress within its deadline ({progressing.Message})", "");
        }

        var updated = status.UpdatedReplicas ?? 0;
        var total = status.Replicas ?? 0;
        var available = status.AvailableReplicas ?? 0;
        if (updated < desired)
        {
            return new(false, null, $"{updated} of {desired} new processes created");
        }

        if (total > updated)
        {
            return new(false, null, $"{total - updated} old processes pending termination");
        }

        if (available < updated)
        {
            return new(false, null, $"{available} of {updated} updated processes available");
        }

        return new(true, null, $"{available} of {desired} processes available");
    }
}

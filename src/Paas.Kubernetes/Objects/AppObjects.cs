using k8s.Models;
using Paas.Kubernetes.Images;

namespace Paas.Kubernetes.Objects;

/// <summary>The desired objects of one release of an app, as <see cref="AppObjectsBuilder"/> makes them; applied in this order.</summary>
/// <param name="Namespace">The app's namespace.</param>
/// <param name="NetworkPolicy">Who may connect to the app's pods, or null when <see cref="KubernetesOptions.NetworkPolicy"/> is off.</param>
/// <param name="EnvSecret">The release's config vars.</param>
/// <param name="PullSecret">The image pull credential, or null when the registry needs none.</param>
/// <param name="Deployments">One per process type of the release, in type order.</param>
/// <param name="Service">The web Service, or null when the release has no web type.</param>
/// <param name="DisruptionBudgets">One per process type running more than one process.</param>
/// <param name="Autoscalers">One HorizontalPodAutoscaler per autoscaled process type.</param>
/// <param name="Image">The image reference nodes pull.</param>
/// <param name="Start">How the image starts: whether its entrypoint is the launcher (commands are its argument), and its web port.</param>
public sealed record AppObjects(
    V1Namespace Namespace,
    V1NetworkPolicy? NetworkPolicy,
    V1Secret EnvSecret,
    V1Secret? PullSecret,
    IReadOnlyList<V1Deployment> Deployments,
    V1Service? Service,
    IReadOnlyList<V1PodDisruptionBudget> DisruptionBudgets,
    IReadOnlyList<V2HorizontalPodAutoscaler> Autoscalers,
    string Image,
    ImageStart Start);

using System.Globalization;
using k8s.Models;
using Paas.Builder;

namespace Paas.Kubernetes;

/// <summary>
/// The build pod's object (pure; see <see cref="KubernetesBuildPods"/> for the I/O):
/// <code>
/// Pod  NAMESPACE/build-APP-SHA7-RANDOM
///   labels       app.kubernetes.io/part-of=paas, app.kubernetes.io/component=build (the chart's NetworkPolicies select
///                these: in only nothing, out only the builder, the registry and DNS), app.kubernetes.io/managed-by=paas,
///                paas.io/app=APP
///   spec         restartPolicy Never, activeDeadlineSeconds = the build timeout, automountServiceAccountToken false,
///                enableServiceLinks false (no Service addresses in the environment), terminationGracePeriodSeconds 0
///                securityContext: runAsNonRoot, runAsUser = runAsGroup = fsGroup = the stack user, seccomp RuntimeDefault
///   container    "build": the build image, command sh -c SCRIPT, env without secrets, imagePullPolicy IfNotPresent,
///                limits cpu and memory, requests memory = limit and cpu = a tenth of the limit, no privilege escalation,
///                every capability dropped
/// </code>
/// </summary>
public static class BuildPod
{
    /// <summary>The container's name.</summary>
    public const string Container = "build";

    /// <summary><c>app.kubernetes.io/part-of</c>.</summary>
    public const string PartOfLabel = "app.kubernetes.io/part-of";

    /// <summary>The value of <see cref="KubernetesNames.ComponentLabel"/> on build pods (the chart's <c>paas.buildPodLabels</c>).</summary>
    public const string Component = "build";

    /// <summary>The label selector of every build pod.</summary>
    public const string Selector = PartOfLabel + "=paas," + KubernetesNames.ComponentLabel + "=" + Component;

    /// <summary>The pod for <paramref name="spec"/>.</summary>
    /// <param name="spec">What the builder asks for.</param>
    /// <returns>A new pod object.</returns>
    public static V1Pod Build(BuildPodSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var cpu = new ResourceQuantity(spec.CpuLimit);
        var cpuRequest = new ResourceQuantity(Math.Max(1, (long)Math.Ceiling((decimal)cpu.ToDecimal() * 100)).ToString(CultureInfo.InvariantCulture) + "m");
        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = spec.Name,
                NamespaceProperty = spec.Namespace,
                Labels = new Dictionary<string, string>(StringComparer.Ordinal)
                {
                    [PartOfLabel] = "paas",
                    [KubernetesNames.ComponentLabel] = Component,
                    [KubernetesNames.ManagedByLabel] = KubernetesNames.ManagedBy,
                    [KubernetesNames.AppLabel] = spec.App,
                },
            },
            Spec = new V1PodSpec
            {
                RestartPolicy = "Never",
                ActiveDeadlineSeconds = Math.Max(1, (long)Math.Ceiling(spec.Deadline.TotalSeconds)),
                AutomountServiceAccountToken = false,
                EnableServiceLinks = false,
                TerminationGracePeriodSeconds = 0,
                SecurityContext = new V1PodSecurityContext
                {
                    RunAsNonRoot = true,
                    RunAsUser = spec.RunAsUser,
                    RunAsGroup = spec.RunAsUser,
                    FsGroup = spec.RunAsUser,
                    SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                },
                Containers =
                [
                    new V1Container
                    {
                        Name = Container,
                        Image = spec.Image,
                        ImagePullPolicy = "IfNotPresent",
                        Command = [.. spec.Command],
                        Env = [.. spec.Environment.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new V1EnvVar { Name = e.Key, Value = e.Value })],
                        Resources = new V1ResourceRequirements
                        {
                            Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = cpu, ["memory"] = new ResourceQuantity(spec.MemoryLimit) },
                            Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = cpuRequest, ["memory"] = new ResourceQuantity(spec.MemoryLimit) },
                        },
                        SecurityContext = new V1SecurityContext
                        {
                            AllowPrivilegeEscalation = false,
                            Capabilities = new V1Capabilities { Drop = ["ALL"] },
                        },
                    },
                ],
            },
        };
    }
}

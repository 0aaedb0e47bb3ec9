using k8s.Models;
using Paas.Scheduling;

namespace Paas.Kubernetes.Objects;

/// <summary>
/// The Pod of a one-off run (<c>paas run</c>), pure: the release's container from <see cref="AppObjectsBuilder.PodSpec"/>
/// with <c>restartPolicy: Never</c> and <c>activeDeadlineSeconds</c> = the time limit (rounded up, at least 1); with input,
/// <c>stdin</c> and <c>stdinOnce</c> (the end of the attach closes the process's input); with a terminal also <c>tty</c>,
/// <c>TERM</c> and the command behind <see cref="TerminalGate"/>. The annotation keeps the command as the user gave it.
/// </summary>
internal static class RunPodBuilder
{
    /// <summary>Builds the pod.</summary>
    /// <param name="spec">The release.</param>
    /// <param name="command">The command as given.</param>
    /// <param name="timeLimit">The time limit.</param>
    /// <param name="stdin">Whether the caller forwards input.</param>
    /// <param name="terminal">The terminal, or null for pipes.</param>
    /// <param name="objects">The app's objects (image, launcher, pull secret).</param>
    /// <param name="options">The scheduler's options.</param>
    /// <param name="ns">The app's namespace.</param>
    /// <param name="name">The pod's name (<c>APP-run-N</c>).</param>
    /// <returns>The pod.</returns>
    public static V1Pod Build(DeploymentSpec spec, string command, TimeSpan timeLimit, bool stdin, RunTerminal? terminal, AppObjects objects, KubernetesOptions options, string ns, string name)
    {
        var podSpec = AppObjectsBuilder.PodSpec(spec, options, KubernetesNames.RunType, terminal is null ? command : TerminalGate.Wrap(command), objects.Image, objects.Start, objects.PullSecret is not null, "Never");
        podSpec.ActiveDeadlineSeconds = Math.Max(1, (long)Math.Ceiling(timeLimit.TotalSeconds));
        var container = podSpec.Containers[0];
        if (stdin || terminal is not null)
        {
            container.Stdin = true;
            container.StdinOnce = true;
        }

        if (terminal is not null)
        {
            container.Tty = true;
            container.Env.Add(new V1EnvVar { Name = "TERM", Value = terminal.Type });
        }

        return new V1Pod
        {
            ApiVersion = "v1",
            Kind = "Pod",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = ns,
                Labels = KubernetesNames.TypeLabels(spec.App, KubernetesNames.RunType, spec.Release),
                Annotations = new Dictionary<string, string> { [KubernetesNames.CommandAnnotation] = command, [KubernetesNames.ProcessTypeAnnotation] = KubernetesNames.RunType },
            },
            Spec = podSpec,
        };
    }
}

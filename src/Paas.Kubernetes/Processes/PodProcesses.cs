using System.Globalization;
using k8s.Models;
using Paas.Scheduling;

namespace Paas.Kubernetes.Processes;

/// <summary>Reads an app's pods as processes (<c>paas ps</c>): name <c>TYPE.INDEX</c>, state, release, command, restarts, reason.</summary>
public static class PodProcesses
{
    /// <summary>The process type of a pod: the template's annotation, else its type label.</summary>
    /// <param name="pod">The pod.</param>
    /// <returns>The type, or null for a pod that is not the platform's.</returns>
    public static string? TypeOf(V1Pod pod) =>
        pod.Metadata?.Annotations?.Find(KubernetesNames.ProcessTypeAnnotation) ?? pod.Metadata?.Labels?.Find(KubernetesNames.TypeLabel);

    /// <summary>The release of a pod (its <c>paas.io/release</c> label, <c>v7</c>), or 0.</summary>
    /// <param name="pod">The pod.</param>
    /// <returns>The release version.</returns>
    public static int ReleaseOf(V1Pod pod) =>
        pod.Metadata?.Labels?.Find(KubernetesNames.ReleaseLabel) is ['v', .. var digits] && int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : 0;

    /// <summary>
    /// The generation of a pod: its ReplicaSet's <c>pod-template-hash</c>. Processes are numbered per generation, so a
    /// rollout's new pods are <c>web.1</c>... <c>web.N</c> again while the old ones stop (as Heroku's restarted dynos keep
    /// their names), and a pod keeps its number for its whole life.
    /// </summary>
    /// <param name="pod">The pod.</param>
    /// <returns>The hash, or empty.</returns>
    public static string GenerationOf(V1Pod pod) => pod.Metadata?.Labels.Find("pod-template-hash") ?? "";

    /// <summary>The key <see cref="ProcessIndexes"/> numbers a type's pods of one generation under.</summary>
    /// <param name="type">The process type.</param>
    /// <param name="generation">The pod template hash.</param>
    /// <returns>The key.</returns>
    public static string IndexKey(string type, string generation) => type + "@" + generation;

    /// <summary>The process name of a one-off run's pod (<c>APP-run-4821</c> is <c>run.4821</c>).</summary>
    /// <param name="pod">The pod's name.</param>
    /// <returns>The process name.</returns>
    public static string RunName(string pod) => KubernetesNames.RunType + "." + pod[(pod.LastIndexOf('-') + 1)..];

    /// <summary>Maps the app's pods to processes, numbering each type's pods through <paramref name="indexes"/>.</summary>
    /// <param name="app">The app.</param>
    /// <param name="pods">Its pods.</param>
    /// <param name="indexes">The index keeper.</param>
    /// <returns>The processes, sorted by type then index.</returns>
    public static IReadOnlyList<ProcessStatus> Map(string app, IEnumerable<V1Pod> pods, ProcessIndexes indexes)
    {
        var result = new List<(string Type, int Index, ProcessStatus Status)>();
        foreach (var group in pods.Where(p => TypeOf(p) is not null).GroupBy(p => TypeOf(p)!, StringComparer.Ordinal))
        {
            if (group.Key == KubernetesNames.RunType)
            {
                foreach (var pod in group)
                {
                    var name = RunName(pod.Metadata.Name);
                    result.Add((group.Key, int.TryParse(name[4..], NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0, Status(pod, name, group.Key)));
                }

                continue;
            }

            foreach (var generation in group.GroupBy(GenerationOf, StringComparer.Ordinal))
            {
                var ordered = generation.OrderBy(p => p.Metadata.CreationTimestamp ?? DateTime.MaxValue).ThenBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();
                var numbers = indexes.Assign(app, IndexKey(group.Key, generation.Key), [.. ordered.Select(p => p.Metadata.Name)]);
                foreach (var pod in ordered)
                {
                    var index = numbers[pod.Metadata.Name];
                    result.Add((group.Key, index, Status(pod, $"{group.Key}.{index}", group.Key)));
                }
            }
        }

        return [.. result.OrderBy(r => r.Type, StringComparer.Ordinal).ThenBy(r => r.Index).Select(r => r.Status)];
    }

    private static ProcessStatus Status(V1Pod pod, string name, string type)
    {
        var container = pod.Status?.ContainerStatuses?.FirstOrDefault();
        var problem = PodProblems.Reason(pod);
        var state = pod switch
        {
            { Metadata.DeletionTimestamp: not null } => ProcessState.Stopping,
            { Status.Phase: "Succeeded" or "Failed" } => ProcessState.Down,
            _ when problem is not null || container?.State?.Terminated is not null => ProcessState.Crashed,
            { Status.Phase: "Running" } when container?.Ready == true => ProcessState.Up,
            _ => ProcessState.Starting,
        };
        var started = container?.State?.Running?.StartedAt ?? pod.Status?.StartTime;
        var reason = state switch
        {
            ProcessState.Up => null,
            ProcessState.Down => container?.State?.Terminated is { } t ? $"exited with status {t.ExitCode} ({t.Reason})" : pod.Status?.Reason,
            _ => problem ?? container?.State?.Waiting?.Reason ?? (container is { Ready: false, State.Running: not null } ? "not ready yet (readiness probe)" : pod.Status?.Reason),
        };
        return new ProcessStatus(
            name,
            type,
            state,
            ReleaseOf(pod),
            pod.Metadata?.Annotations?.Find(KubernetesNames.CommandAnnotation) ?? "",
            started is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null,
            container?.RestartCount ?? 0,
            reason);
    }
}

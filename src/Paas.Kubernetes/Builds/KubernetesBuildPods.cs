using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Paas.Builder;
using Paas.Kubernetes.Processes;

namespace Paas.Kubernetes;

/// <summary>
/// Runs build pods for the builder (<see cref="IBuildPods"/>), like <see cref="OneOffRun"/> runs <c>paas run</c>:
/// <list type="number">
/// <item>creates the Pod (<see cref="BuildPod"/>) with POST and <c>fieldManager=paas</c>;</item>
/// <item>waits until its container runs or has ended; a pod that never will (<see cref="PodProblems"/>: image pull
/// failures, bad configuration) ends as <see cref="BuildPodEnd.NotStarted"/>;</item>
/// <item>follows <c>pods/log?follow=true</c> line by line (it starts at the container's first line);</item>
/// <item>reads how it ended: <c>DeadlineExceeded</c>, <c>OOMKilled</c>, or the exit code;</item>
/// <item>deletes it with grace period 0, whatever happened (success, failure, cancellation, an API error).</item>
/// </list>
/// API refusals and an unreachable API server end as <see cref="BuildPodEnd.Unavailable"/> with <see cref="KubernetesErrors"/>'
/// sentence.
/// </summary>
public sealed class KubernetesBuildPods(IKubernetes client, KubernetesStreams streams, ILogger<KubernetesBuildPods> logger) : IBuildPods
{
    /// <summary>How often the pod's status is read while waiting for it to start or end.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <inheritdoc />
    public async Task<BuildPodResult> RunAsync(BuildPodSpec spec, Func<string, Task> onLine, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(onLine);
        var doing = $"running the build pod {spec.Name} of {spec.App}";
        try
        {
            await client.CoreV1.CreateNamespacedPodAsync(BuildPod.Build(spec), spec.Namespace, fieldManager: KubernetesNames.FieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (KubernetesErrors.Translate(e, client.BaseUri, doing) is { } translated)
        {
            return new BuildPodResult(BuildPodEnd.Unavailable, Message: translated.Message);
        }

        try
        {
            if (await WaitStartedAsync(spec, cancellationToken).ConfigureAwait(false) is { } notStarted)
            {
                return notStarted;
            }

            await FollowLogAsync(spec, onLine, cancellationToken).ConfigureAwait(false);
            return await WaitEndedAsync(spec, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && KubernetesErrors.Translate(e, client.BaseUri, doing) is { } translated)
        {
            return new BuildPodResult(BuildPodEnd.Unavailable, Message: translated.Message);
        }
        finally
        {
            await DeleteAsync(spec).ConfigureAwait(false);
        }
    }

    /// <summary>Waits until the container runs or has ended; returns how the pod ended when it never will run, else null.</summary>
    private async Task<BuildPodResult?> WaitStartedAsync(BuildPodSpec spec, CancellationToken cancellationToken)
    {
        while (true)
        {
            var pod = await client.CoreV1.ReadNamespacedPodAsync(spec.Name, spec.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            var container = pod.Status?.ContainerStatuses?.FirstOrDefault();
            if (pod.Status?.Reason == "DeadlineExceeded")
            {
                return new BuildPodResult(BuildPodEnd.DeadlineExceeded);
            }

            if (container?.State?.Running is not null || container?.State?.Terminated is not null || pod.Status?.Phase is "Succeeded" or "Failed")
            {
                return null;
            }

            if (PodProblems.Reason(pod) is { } problem)
            {
                return new BuildPodResult(BuildPodEnd.NotStarted, Message: problem);
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task FollowLogAsync(BuildPodSpec spec, Func<string, Task> onLine, CancellationToken cancellationToken)
    {
        using var stream = await streams.Client.CoreV1.ReadNamespacedPodLogAsync(spec.Name, spec.Namespace, BuildPod.Container, follow: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            await onLine(line).ConfigureAwait(false);
        }
    }

    private async Task<BuildPodResult> WaitEndedAsync(BuildPodSpec spec, CancellationToken cancellationToken)
    {
        var quiet = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            V1Pod pod;
            try
            {
                pod = await client.CoreV1.ReadNamespacedPodAsync(spec.Name, spec.Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
            {
                return new BuildPodResult(BuildPodEnd.Unavailable, Message: $"the build pod {spec.Name} was deleted by someone else while it built");
            }

            if (pod.Status?.Reason == "DeadlineExceeded")
            {
                return new BuildPodResult(BuildPodEnd.DeadlineExceeded);
            }

            var container = pod.Status?.ContainerStatuses?.FirstOrDefault();
            if (container?.State?.Terminated is { } terminated && pod.Status?.Phase is "Succeeded" or "Failed")
            {
                return terminated.Reason switch
                {
                    "OOMKilled" => new BuildPodResult(BuildPodEnd.OutOfMemory, terminated.ExitCode, PodProblems.Reason(pod)),
                    "DeadlineExceeded" => new BuildPodResult(BuildPodEnd.DeadlineExceeded, terminated.ExitCode),
                    _ when terminated.ExitCode == 0 => new BuildPodResult(BuildPodEnd.Succeeded, 0),
                    _ => new BuildPodResult(BuildPodEnd.Failed, terminated.ExitCode),
                };
            }

            if (container?.State?.Running is not null)
            {
                // The log ended while the container runs (the connection dropped): keep waiting for its end (the rest of its output is not shown).
                quiet = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            }
            else if (DateTime.UtcNow > quiet)
            {
                return new BuildPodResult(BuildPodEnd.Unavailable, Message: $"the build pod {spec.Name} did not report its end within 60 s of its output ending");
            }

            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task DeleteAsync(BuildPodSpec spec)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await client.CoreV1.DeleteNamespacedPodAsync(spec.Name, spec.Namespace, gracePeriodSeconds: 0, cancellationToken: timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException or OperationCanceledException)
        {
            if (!KubernetesErrors.Is(e, HttpStatusCode.NotFound))
            {
                KubernetesBuildPodsLog.DeleteFailed(logger, spec.Namespace, spec.Name, e.Message);
            }
        }
    }
}

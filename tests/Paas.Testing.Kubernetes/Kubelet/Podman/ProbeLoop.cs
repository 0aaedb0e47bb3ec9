namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>
/// Runs a probe for one container run as the kubelet's prober does: waits <c>initialDelaySeconds</c>, then probes every
/// <c>periodSeconds</c>; <c>successThreshold</c> passes in a row make it pass, <c>failureThreshold</c> failures in a row
/// make it fail. Each failure is an <c>Unhealthy</c> Warning Event.
/// </summary>
internal static class ProbeLoop
{
    /// <summary>Readiness: reports every flip of the result through <paramref name="setReady"/>, until cancelled.</summary>
    public static async Task ReadinessAsync(FakeProbe probe, string podIp, PodStatusReporter status, Action<bool> setReady, CancellationToken cancellationToken)
    {
        try
        {
            await ForEachResultAsync(probe, podIp, cancellationToken, (failure, successes, failures) =>
            {
                if (failure is null && successes >= Math.Max(1, probe.SuccessThreshold))
                {
                    setReady(true);
                }
                else if (failure is not null)
                {
                    status.Event("Warning", "Unhealthy", $"Readiness probe failed: {failure}");
                    if (failures >= Math.Max(1, probe.FailureThreshold))
                    {
                        setReady(false);
                    }
                }

                return true;
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run ended.
        }
    }

    /// <summary>Liveness: completes when the probe has failed <c>failureThreshold</c> times in a row (the container must be restarted).</summary>
    public static async Task<bool> LivenessAsync(FakeProbe probe, string podIp, PodStatusReporter status, CancellationToken cancellationToken)
    {
        var failed = false;
        try
        {
            await ForEachResultAsync(probe, podIp, cancellationToken, (failure, _, failures) =>
            {
                if (failure is null)
                {
                    return true;
                }

                status.Event("Warning", "Unhealthy", $"Liveness probe failed: {failure}");
                failed = failures >= Math.Max(1, probe.FailureThreshold);
                return !failed;
            });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run ended.
        }

        return failed;
    }

    private static async Task ForEachResultAsync(FakeProbe probe, string podIp, CancellationToken cancellationToken, Func<string?, int, int, bool> onResult)
    {
        await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, probe.InitialDelaySeconds)), cancellationToken);
        var (successes, failures) = (0, 0);
        while (true)
        {
            var failure = await ProbeCheck.RunAsync(probe, podIp, cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            (successes, failures) = failure is null ? (successes + 1, 0) : (0, failures + 1);
            if (!onResult(failure, successes, failures))
            {
                return;
            }

            await Task.Delay(TimeSpan.FromSeconds(Math.Max(1, probe.PeriodSeconds)), cancellationToken);
        }
    }
}

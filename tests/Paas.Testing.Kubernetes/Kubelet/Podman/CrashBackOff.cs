namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>
/// The kubelet's restart back-off for one container (06b): the first restart is immediate, then base, 2 x base, 4 x base...
/// capped at the maximum; after 2 x maximum without a failure it starts over (client-go's <c>flowcontrol.Backoff</c>).
/// </summary>
internal sealed class CrashBackOff(PodmanFakeKubeletOptions options)
{
    private int _step;
    private DateTimeOffset _last = DateTimeOffset.MinValue;

    /// <summary>How long to wait before the next restart; null to restart at once.</summary>
    public TimeSpan? Next(FakeContainerState.Terminated terminated)
    {
        if (terminated.FinishedAt - _last > 2 * options.MaxBackOff)
        {
            _step = 0;
        }

        _last = terminated.FinishedAt;
        var step = _step++;
        if (step == 0)
        {
            return null;
        }

        var delay = options.CrashBackOffBase * Math.Pow(2, Math.Min(step - 1, 30));
        return delay < options.MaxBackOff ? delay : options.MaxBackOff;
    }
}

namespace Paas.Testing.Kubernetes.Podman.Tests.Infrastructure;

/// <summary>An <see cref="IFakeKubeletHost"/> that records every report in order and lets a test wait for one.</summary>
public sealed class RecordingHost : IFakeKubeletHost
{
    private readonly Lock _gate = new();
    private readonly List<HostReport> _reports = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<HostReport> Reports
    {
        get
        {
            lock (_gate)
            {
                return [.. _reports];
            }
        }
    }

    public List<FakeContainerStatus> Statuses(FakePodKey pod) =>
        [.. Reports.Where(r => r.Pod == pod && r.Status is not null).Select(r => r.Status!)];

    public List<(string Type, string Reason, string Message)> Events(FakePodKey pod) =>
        [.. Reports.Where(r => r.Pod == pod && r.Event is not null).Select(r => r.Event!.Value)];

    public string PodIp(FakePodKey pod) =>
        Reports.LastOrDefault(r => r.Pod == pod && r.PodIp is not null)?.PodIp ?? throw new InvalidOperationException($"No pod IP for {pod}.");

    public void ReportPodIp(FakePodKey pod, string podIp, string hostIp) => Add(new HostReport(DateTimeOffset.UtcNow, pod, null, null, podIp));

    public void ReportContainer(FakePodKey pod, FakeContainerStatus status) => Add(new HostReport(DateTimeOffset.UtcNow, pod, status, null, null));

    public void RecordEvent(FakePodKey pod, string type, string reason, string message) =>
        Add(new HostReport(DateTimeOffset.UtcNow, pod, null, (type, reason, message), null));

    /// <summary>Waits until a status of <paramref name="pod"/> (reported before or after the call) matches.</summary>
    public Task<FakeContainerStatus> WaitForStatusAsync(FakePodKey pod, Func<FakeContainerStatus, bool> match, TimeSpan timeout, string what) =>
        WaitAsync(() => Statuses(pod).FirstOrDefault(match), timeout, () => $"{what}; statuses of {pod}:\n{Describe(pod)}");

    /// <summary>Waits until an Event with <paramref name="reason"/> (and a message containing <paramref name="text"/>) was recorded.</summary>
    public async Task<string> WaitForEventAsync(FakePodKey pod, string reason, TimeSpan timeout, string text = "") =>
        (await WaitAsync(
            () => Events(pod).Where(e => e.Reason == reason && e.Message.Contains(text, StringComparison.Ordinal)).Select(e => e.Message).FirstOrDefault(),
            timeout,
            () => $"Event {reason}; reports of {pod}:\n{Describe(pod)}"))!;

    public string Describe(FakePodKey pod) =>
        string.Join('\n', Reports.Where(r => r.Pod == pod).Select(r => $"{r.At:HH:mm:ss.fff} {(object?)r.Status ?? (object?)r.Event ?? r.PodIp}"));

    private async Task<T> WaitAsync<T>(Func<T?> find, TimeSpan timeout, Func<string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            if (find() is { } found)
            {
                return found;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                Assert.Fail($"Timed out after {timeout} waiting for {describe()}");
            }

            await Task.WhenAny(changed, Task.Delay(left));
        }
    }

    private void Add(HostReport report)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _reports.Add(report);
            changed = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }
}

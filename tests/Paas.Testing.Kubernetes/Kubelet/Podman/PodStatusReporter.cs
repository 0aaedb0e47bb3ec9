namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>
/// A pod's container status as the kubelet keeps it, reported to the host on every change (in order: one lock).
/// Follows the recorded sequences (06b, 08b, 09b): <c>state</c> is the current run or wait, <c>lastState</c> the previous
/// termination once a restart is on its way, <c>restartCount</c> grows when a new run starts.
/// </summary>
internal sealed class PodStatusReporter(FakePodSpec pod, IFakeKubeletHost host)
{
    private readonly Lock _gate = new();
    private FakeContainerState _state = new FakeContainerState.Waiting("ContainerCreating");
    private FakeContainerState.Terminated? _lastState;
    private bool _ready;
    private int _restartCount;
    private string? _imageId;
    private string? _containerId;

    public FakeContainerState State
    {
        get
        {
            lock (_gate)
            {
                return _state;
            }
        }
    }

    public int RestartCount
    {
        get
        {
            lock (_gate)
            {
                return _restartCount;
            }
        }
    }

    public void Event(string type, string reason, string message) => host.RecordEvent(pod.Key, type, reason, message);

    public void Waiting(string reason, string? message = null) => Change(() => (_state, _ready) = (new FakeContainerState.Waiting(reason, message), false));

    public void ImagePulled(string? imageId) => Change(() => _imageId = imageId, report: false);

    public void Created(string containerId) => Change(() => _containerId = $"podman://{containerId}", report: false);

    public void Running(DateTimeOffset startedAt, bool ready) => Change(() => (_state, _ready) = (new FakeContainerState.Running(startedAt), ready));

    /// <summary>Sets readiness; reports only a change while the container runs.</summary>
    public void Ready(bool ready)
    {
        lock (_gate)
        {
            if (_ready != ready && _state is FakeContainerState.Running)
            {
                _ready = ready;
                Report();
            }
        }
    }

    public void Terminated(FakeContainerState.Terminated terminated) => Change(() => (_state, _ready) = (terminated, false));

    /// <summary>Waits before a restart: the termination moves to <c>lastState</c>.</summary>
    public void CrashLoopBackOff(string message) => Change(() =>
    {
        _lastState = _state as FakeContainerState.Terminated ?? _lastState;
        _state = new FakeContainerState.Waiting("CrashLoopBackOff", message);
    });

    /// <summary>A new run is about to start (the report follows with its running state).</summary>
    public void Restarting() => Change(
        () =>
        {
            _lastState = _state as FakeContainerState.Terminated ?? _lastState;
            _restartCount++;
        },
        report: false);

    private void Change(Action change, bool report = true)
    {
        lock (_gate)
        {
            change();
            if (report)
            {
                Report();
            }
        }
    }

    private void Report() =>
        host.ReportContainer(pod.Key, new FakeContainerStatus(_state, _lastState, _ready, _restartCount, _imageId, _containerId));
}

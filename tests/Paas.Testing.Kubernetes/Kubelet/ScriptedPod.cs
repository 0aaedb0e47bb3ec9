using System.Security.Cryptography;

namespace Paas.Testing.Kubernetes.Kubelet;

/// <summary>One pod of a <see cref="ScriptedFakeKubelet"/>: its lifecycle, logs and state.</summary>
internal sealed class ScriptedPod(FakePodSpec spec, ContainerScript script, IFakeKubeletHost host, string ip, ScriptedFakeKubelet kubelet)
{
    private readonly ScriptedKubeletOptions _o = kubelet.Options;
    private TaskCompletionSource<int> _processExit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _stopping;
    private bool _ready;
    private int _restartCount;
    private FakeContainerState.Terminated? _lastState;
    private string? _containerId;
    private string? _imageId;
    private DateTimeOffset _startedAt;
    private FakeTerminalSize _terminalSize;
    private TaskCompletionSource _sizeChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public object Sync { get; } = new();

    public FakePodSpec Spec => spec;

    public ContainerScript Script => script;

    public CancellationTokenSource Stop { get; } = new();

    public Task? Run { get; set; }

    public ContainerLog CurrentLog { get; private set; } = new();

    public ContainerLog? PreviousLog { get; private set; }

    public bool EverStarted { get; private set; }

    public bool IsRunning { get; private set; }

    public string WaitingReason { get; private set; } = "ContainerCreating";

    /// <summary>The size of the container's terminal (0 x 0 until a client sets one).</summary>
    public FakeTerminalSize TerminalSize
    {
        get
        {
            lock (Sync)
            {
                return _terminalSize;
            }
        }
    }

    /// <summary>Sets the terminal's size (channel 4 of a TTY attach).</summary>
    public void Resize(FakeTerminalSize size)
    {
        TaskCompletionSource changed;
        lock (Sync)
        {
            if (size == _terminalSize)
            {
                return;
            }

            _terminalSize = size;
            changed = _sizeChanged;
            _sizeChanged = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
    }

    /// <summary>Waits until the size differs from <paramref name="than"/>.</summary>
    public async Task<FakeTerminalSize> SizeOtherThanAsync(FakeTerminalSize than, CancellationToken ct)
    {
        while (true)
        {
            Task changed;
            lock (Sync)
            {
                if (_terminalSize != than)
                {
                    return _terminalSize;
                }

                changed = _sizeChanged.Task;
            }

            await changed.WaitAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>The attached process ended with a code (the container ends with it).</summary>
    public void ProcessExited(int code) => _processExit.TrySetResult(code);

    public async Task LifecycleAsync(CancellationToken ct)
    {
        try
        {
            Report(new FakeContainerState.Waiting("ContainerCreating"));
            host.ReportPodIp(spec.Key, ip, _o.HostIp);
            Event("Normal", "Pulling", $"Pulling image \"{spec.Image}\"");
            await Task.Delay(_o.PullDelay, ct).ConfigureAwait(false);
            if (script.FailPull)
            {
                await FailPullForeverAsync(ct).ConfigureAwait(false);
                return;
            }

            _imageId = ScriptedFakeKubelet.ImageId(spec.Image);
            var ms = (int)_o.PullDelay.TotalMilliseconds;
            Event("Normal", "Pulled", $"Successfully pulled image \"{spec.Image}\" in {ms}ms ({ms}ms including waiting)");
            while (true)
            {
                var exit = await RunOnceAsync(ct).ConfigureAwait(false);
                if (spec.RestartPolicy == "Never" || (spec.RestartPolicy == "OnFailure" && exit.ExitCode == 0))
                {
                    return;
                }

                _lastState = exit;
                if (_restartCount > 0)
                {
                    var nominal = Math.Min(300, 10 * (1 << Math.Min(_restartCount - 1, 5)));
                    Report(new FakeContainerState.Waiting("CrashLoopBackOff", $"back-off {nominal}s restarting failed container={spec.Container} pod={spec.Key.Name}_{spec.Key.Namespace}({spec.Uid})"));
                    Event("Warning", "BackOff", $"Back-off restarting failed container {spec.Container} in pod {spec.Key.Name}_{spec.Key.Namespace}({spec.Uid})");
                    await Task.Delay(_o.BackOffSecond * nominal, ct).ConfigureAwait(false);
                }

                _restartCount++;
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<FakeContainerState.Terminated> RunOnceAsync(CancellationToken ct)
    {
        lock (Sync)
        {
            _containerId = "containerd://" + Convert.ToHexString(RandomNumberGenerator.GetBytes(32)).ToLowerInvariant();
            if (EverStarted)
            {
                PreviousLog = CurrentLog;
                CurrentLog = new ContainerLog();
            }

            _startedAt = DateTimeOffset.UtcNow;
            EverStarted = true;
            IsRunning = true;
            _ready = false;
            _processExit = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        Event("Normal", "Created", $"Created container {spec.Container}");
        Event("Normal", "Started", $"Started container {spec.Container}");
        Report(new FakeContainerState.Running(_startedAt));
        foreach (var line in script.LogLines)
        {
            CurrentLog.Append(line);
        }

        var exitTimer = script.ExitCode is not null || script.OomKilled ? Task.Delay(script.RunFor, ct) : Task.Delay(Timeout.Infinite, ct);
        var readyTimer = script.NeverReady ? Task.Delay(Timeout.Infinite, ct) : Task.Delay(_o.ReadyDelay, ct);
        // activeDeadlineSeconds counts from the pod's start, in real seconds (the kubelet kills the container, 137).
        var deadline = spec.ActiveDeadlineSeconds is { } seconds ? Task.Delay(TimeSpan.FromSeconds(seconds), ct) : Task.Delay(Timeout.Infinite, ct);
        while (true)
        {
            var done = await Task.WhenAny(exitTimer, readyTimer, _processExit.Task, deadline).ConfigureAwait(false);
            if (done == deadline && !ct.IsCancellationRequested)
            {
                Event("Warning", "DeadlineExceeded", "Pod was active on the node longer than the specified deadline");
                var killed = new FakeContainerState.Terminated(137, "DeadlineExceeded", _startedAt, DateTimeOffset.UtcNow, "Pod was active on the node longer than the specified deadline");
                lock (Sync)
                {
                    IsRunning = false;
                    _ready = false;
                }

                CurrentLog.End();
                Report(killed);
                return killed;
            }

            ct.ThrowIfCancellationRequested();
            if (done == readyTimer)
            {
                _ready = true;
                Report(new FakeContainerState.Running(_startedAt));
                readyTimer = Task.Delay(Timeout.Infinite, ct);
                continue;
            }

            var code = done == _processExit.Task ? _processExit.Task.Result : script.OomKilled ? 137 : script.ExitCode ?? 0;
            var reason = done != _processExit.Task && script.OomKilled ? "OOMKilled" : code == 0 ? "Completed" : "Error";
            var terminated = new FakeContainerState.Terminated(code, reason, _startedAt, DateTimeOffset.UtcNow);
            lock (Sync)
            {
                IsRunning = false;
                _ready = false;
            }

            CurrentLog.End();
            Report(terminated);
            return terminated;
        }
    }

    private async Task FailPullForeverAsync(CancellationToken ct)
    {
        var detail = script.PullError ?? $"rpc error: code = NotFound desc = failed to pull and unpack image \"{spec.Image}\": failed to resolve reference \"{spec.Image}\": {spec.Image}: not found";
        while (true)
        {
            WaitingReason = "trying and failing to pull image";
            Report(new FakeContainerState.Waiting("ErrImagePull", detail));
            Event("Warning", "Failed", $"Failed to pull image \"{spec.Image}\": {detail}");
            Event("Warning", "Failed", "Error: ErrImagePull");
            await Task.Delay(_o.BackOffSecond * 14, ct).ConfigureAwait(false);
            Report(new FakeContainerState.Waiting("ImagePullBackOff", $"Back-off pulling image \"{spec.Image}\""));
            Event("Normal", "BackOff", $"Back-off pulling image \"{spec.Image}\"");
            Event("Warning", "Failed", "Error: ImagePullBackOff");
            await Task.Delay(_o.BackOffSecond * 14, ct).ConfigureAwait(false);
            Event("Normal", "Pulling", $"Pulling image \"{spec.Image}\"");
        }
    }

    public async Task StopAsync(TimeSpan gracePeriod, CancellationToken ct)
    {
        bool running;
        lock (Sync)
        {
            running = IsRunning;
            _stopping = true;
        }

        await Stop.CancelAsync().ConfigureAwait(false);
        if (Run is not null)
        {
            await Run.ConfigureAwait(false);
        }

        if (!running)
        {
            CurrentLog.End();
            return;
        }

        Event("Normal", "Killing", $"Stopping container {spec.Container}", force: true);
        int code;
        try
        {
            if (script.IgnoreSigterm)
            {
                await Task.Delay(_o.GraceSecond * gracePeriod.TotalSeconds, ct).ConfigureAwait(false);
                code = 137;
            }
            else
            {
                await Task.Delay(_o.StopDelay, ct).ConfigureAwait(false);
                code = script.SigtermExitCode;
            }
        }
        catch (OperationCanceledException)
        {
            code = 137;
        }

        lock (Sync)
        {
            IsRunning = false;
            _ready = false;
        }

        CurrentLog.End();
        Report(new FakeContainerState.Terminated(code, code == 0 ? "Completed" : "Error", _startedAt, DateTimeOffset.UtcNow), force: true);
    }

    private void Report(FakeContainerState state, bool force = false)
    {
        lock (Sync)
        {
            if (_stopping && !force)
            {
                return;
            }

            if (state is FakeContainerState.Waiting w && !EverStarted)
            {
                WaitingReason = w.Reason == "ImagePullBackOff" || w.Reason == "ErrImagePull" ? "trying and failing to pull image" : w.Reason;
            }
        }

        var ready = _ready && state is FakeContainerState.Running;
        host.ReportContainer(spec.Key, new FakeContainerStatus(state, _lastState, ready, _restartCount, state is FakeContainerState.Waiting && !EverStarted ? null : _imageId, state is FakeContainerState.Waiting ? (_lastState is null ? null : _containerId) : _containerId));
    }

    private void Event(string type, string reason, string message, bool force = false)
    {
        lock (Sync)
        {
            if (_stopping && !force)
            {
                return;
            }
        }

        host.RecordEvent(spec.Key, type, reason, message);
    }
}

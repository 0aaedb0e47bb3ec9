using System.Diagnostics;

namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>
/// One pod on the podman kubelet: its pod IP, its lifecycle loop and its runs. The loop is the kubelet's sync for one
/// container:
/// 1. pull the image (ErrImagePull / ImagePullBackOff with back-off until it succeeds);
/// 2. create and start a container, report Running, probe it;
/// 3. on exit, report Terminated (Completed, Error, OOMKilled, DeadlineExceeded, StartError);
/// 4. restart per restartPolicy after the crash back-off (CrashLoopBackOff), or stop.
/// </summary>
internal sealed class PodmanPod
{
    private const string Normal = "Normal";
    private const string Warning = "Warning";
    private readonly FakePodSpec _pod;
    private readonly PodmanCli _cli;
    private readonly string _instance;
    private readonly PodStatusReporter _status;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _gate = new();
    private readonly Stopwatch _age = Stopwatch.StartNew();
    private Task _loop = Task.CompletedTask;
    private ContainerRun? _current;
    private RunLog? _currentLog;
    private RunLog? _previousLog;
    private string? _killReason;
    private bool _stopping;

    public PodmanPod(FakePodSpec pod, IFakeKubeletHost host, PodmanCli cli, string instance)
    {
        _pod = pod;
        _cli = cli;
        _instance = instance;
        _status = new PodStatusReporter(pod, host);
        PodIp = PodAddressAllocator.Allocate();
        Host = host;
    }

    public string PodIp { get; }

    private IFakeKubeletHost Host { get; }

    private PodmanFakeKubeletOptions Options => _cli.Options;

    public void Start()
    {
        Host.ReportPodIp(_pod.Key, PodIp, "127.0.0.1");
        _status.Waiting("ContainerCreating");
        _loop = Task.Run(() => RunAsync(_lifetime.Token));
        if (_pod.ActiveDeadlineSeconds is { } deadline)
        {
            _ = Task.Run(() => DeadlineAsync(TimeSpan.FromSeconds(deadline), _lifetime.Token));
        }
    }

    public async Task StopAsync(TimeSpan gracePeriod, CancellationToken cancellationToken)
    {
        ContainerRun? run;
        lock (_gate)
        {
            _stopping = true;
            _killReason ??= "stop";
            run = _current;
        }

        if (run is not null)
        {
            _status.Event(Normal, "Killing", $"Stopping container {_pod.Container}");
            await run.StopAsync(gracePeriod, cancellationToken);
        }
        else
        {
            await _lifetime.CancelAsync();
        }

        await WaitForLoopAsync();
        await _lifetime.CancelAsync();
        PodAddressAllocator.Release(PodIp);
    }

    public async ValueTask DisposeAsync()
    {
        ContainerRun? run;
        lock (_gate)
        {
            _stopping = true;
            run = _current;
        }

        await _lifetime.CancelAsync();
        run?.Abandon();
        await WaitForLoopAsync();
        PodAddressAllocator.Release(PodIp);
    }

    public Task WriteLogAsync(FakeLogOptions options, Stream output, CancellationToken cancellationToken)
    {
        RunLog log;
        lock (_gate)
        {
            log = (options.Previous ? _previousLog : _currentLog) ?? throw new FakeKubeletException(options.Previous
                ? $"previous terminated container \"{_pod.Container}\" in pod \"{_pod.Key.Name}\" not found"
                : WaitingMessage());
        }

        return LogWriter.WriteAsync(log, options, output, cancellationToken);
    }

    public FakeAttachment Attach(FakeAttachOptions options)
    {
        lock (_gate)
        {
            var run = _current ?? throw new FakeKubeletException(_status.State is FakeContainerState.Waiting
                ? WaitingMessage()
                : $"unable to upgrade connection: container not found (\"{_pod.Container}\")");
            return run.Attach(options, _pod.Stdin, _pod.StdinOnce, _pod.Tty || options.Tty);
        }
    }

    private string WaitingMessage()
    {
        var reason = _status.State is FakeContainerState.Waiting waiting ? waiting.Reason : "ContainerCreating";
        var why = reason is "ErrImagePull" or "ImagePullBackOff" ? "trying and failing to pull image" : reason;
        return $"container \"{_pod.Container}\" in pod \"{_pod.Key.Name}\" is waiting to start: {why}";
    }

    private async Task WaitForLoopAsync()
    {
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Cancelled on purpose.
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await new PodImagePull(_pod, _cli, _status).RunAsync(cancellationToken);
            var backOff = new CrashBackOff(Options);
            while (!cancellationToken.IsCancellationRequested)
            {
                FakeContainerState.Terminated? terminated;
                try
                {
                    terminated = await RunOnceAsync(cancellationToken);
                }
                catch (FakeKubeletException)
                {
                    // podman create failed (reported as CreateContainerError): try again after the back-off, as the kubelet does.
                    await Task.Delay(Options.CrashBackOffBase, cancellationToken);
                    continue;
                }

                if (terminated is null || !ShouldRestart(terminated))
                {
                    return;
                }

                if (backOff.Next(terminated) is { } delay)
                {
                    var pod = $"{_pod.Key.Name}_{_pod.Key.Namespace}({_pod.Uid})";
                    _status.CrashLoopBackOff($"back-off {GoDuration.Format(delay)} restarting failed container={_pod.Container} pod={pod}");
                    _status.Event(Warning, "BackOff", $"Back-off restarting failed container {_pod.Container} in pod {pod}");
                    await Task.Delay(delay, cancellationToken);
                }

                _status.Restarting();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped or disposed.
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or TimeoutException or System.Text.Json.JsonException)
        {
            // podman misbehaved: say so where a test will see it, and leave the pod as it is.
            _status.Event(Warning, "Failed", $"Error: the podman kubelet gave up on this pod: {ex.Message}");
        }
    }

    private bool ShouldRestart(FakeContainerState.Terminated terminated)
    {
        lock (_gate)
        {
            if (_stopping || _killReason == "deadline")
            {
                return false;
            }
        }

        return _pod.RestartPolicy switch
        {
            "Never" => false,
            "OnFailure" => terminated.ExitCode != 0,
            _ => true,
        };
    }

    /// <summary>One run: create, start, wait, inspect, remove. Null when stopped before it started.</summary>
    private async Task<FakeContainerState.Terminated?> RunOnceAsync(CancellationToken cancellationToken)
    {
        var name = ContainerLabels.ContainerName(_pod, _instance, _status.RestartCount);
        var containerId = await ContainerCreator.CreateAsync(_cli, _pod, name, _instance, PodIp, _status, cancellationToken);
        ContainerRun run;
        lock (_gate)
        {
            if (_stopping)
            {
                _ = _cli.RunAsync(["rm", "--force", containerId], CancellationToken.None);
                return null;
            }

            run = ContainerRun.Start(_cli, containerId, _pod.Stdin, Options.MaxLogBytesPerRun);
            _current = run;
            _previousLog = _currentLog ?? _previousLog;
            _currentLog = run.Log;
            if (_killReason == "liveness")
            {
                _killReason = null;
            }
        }

        using var probes = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watchers = new List<Task>();
        var sawRunning = false;
        if (await run.WaitStartedAsync(cancellationToken) is { } startedAt)
        {
            sawRunning = true;
            _status.Event(Normal, "Started", $"Started container {_pod.Container}");
            _status.Running(startedAt, ready: _pod.Readiness is null);
            watchers.AddRange(StartProbes(run, probes.Token));
        }

        var podmanExit = await run.Exited.WaitAsync(cancellationToken);
        await probes.CancelAsync();
        await Task.WhenAll(watchers);
        var exit = await ContainerExit.InspectAsync(_cli, containerId, CancellationToken.None);
        await _cli.RunAsync(["rm", "--force", "--time", "0", containerId], CancellationToken.None);
        var oomKilled = exit is { OomKilled: true } || (exit is { ExitCode: 137 } && NobodyKilled() && await OomEvidence.WasOomKilledAsync(containerId, _pod.MemoryLimitBytes is not null));
        string? killReason;
        lock (_gate)
        {
            killReason = _killReason;
        }

        var terminated = Termination.Classify(exit, podmanExit, killReason, oomKilled, run.Log.LastLine());
        if (terminated.Reason == "StartError")
        {
            _status.Event(Warning, "Failed", $"Error: {terminated.Message}");
            run.Log.Clear();
        }
        else if (!sawRunning)
        {
            _status.Event(Normal, "Started", $"Started container {_pod.Container}");
        }

        lock (_gate)
        {
            _current = null;
        }

        _status.Terminated(terminated);
        return terminated;
    }

    private IEnumerable<Task> StartProbes(ContainerRun run, CancellationToken cancellationToken)
    {
        if (_pod.Readiness is { } readiness)
        {
            yield return ProbeLoop.ReadinessAsync(readiness, PodIp, _status, _status.Ready, cancellationToken);
        }

        if (_pod.Liveness is { } liveness)
        {
            yield return LivenessAsync(run, liveness, cancellationToken);
        }
    }

    private async Task LivenessAsync(ContainerRun run, FakeProbe liveness, CancellationToken cancellationToken)
    {
        if (!await ProbeLoop.LivenessAsync(liveness, PodIp, _status, cancellationToken))
        {
            return;
        }

        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _killReason = "liveness";
        }

        _status.Event(Normal, "Killing", $"Container {_pod.Container} failed liveness probe, will be restarted");
        await run.StopAsync(TimeSpan.FromSeconds(_pod.TerminationGracePeriodSeconds), CancellationToken.None);
    }

    private async Task DeadlineAsync(TimeSpan deadline, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(deadline - _age.Elapsed, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        ContainerRun? run;
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            _killReason = "deadline";
            run = _current;
        }

        _status.Event(Warning, "DeadlineExceeded", "Pod was active on the node longer than the specified deadline");
        if (run is not null)
        {
            await run.StopAsync(TimeSpan.FromSeconds(_pod.TerminationGracePeriodSeconds), CancellationToken.None);
            return;
        }

        await _lifetime.CancelAsync();
        var now = DateTimeOffset.UtcNow;
        _status.Terminated(new FakeContainerState.Terminated(137, "DeadlineExceeded", now, now, "Pod was active on the node longer than the specified deadline"));
    }

    private bool NobodyKilled()
    {
        lock (_gate)
        {
            return _killReason is null;
        }
    }
}

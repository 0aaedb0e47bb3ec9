using System.Diagnostics;
using System.Globalization;
using Paas.Scheduling.Local;

namespace Paas.Scheduling.Podman;

/// <summary>
/// One supervised container of a release (<c>web.1</c>), the podman twin of the local runtime's <c>Dyno</c>, with the same
/// rules (boot check, back-off, events). Its supervisor loop:
/// 1. <c>podman run -d</c> a new container (state starting); a container adopted after a paasd restart is followed instead;
/// 2. follow it: <c>podman logs -f</c> into the app's logs, <c>podman wait</c> for its exit status;
/// 3. wait until it is up: a web container accepts TCP connections on its published port (and answers its health check
///    path) within the boot timeout (<see cref="BootCheck"/>), other types at once;
/// 4. wait for it to exit, then remove it; unless it was asked to stop, it crashed: state crashed, wait the back-off
///    (<see cref="LocalRuntimeOptions.NextBackoff"/>), then go back to 1 with a new container.
/// A container started for a deploy or a rolling restart gives up on its first failed boot instead.
/// </summary>
internal sealed class Container : ISupervisedProcess
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<string?> _firstBoot = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _bound = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<Process> _helpers = [];
    private ContainerInspection? _adopted;
    private ContainerRelease _release;
    private string? _id;
    private Task _supervisor = Task.CompletedTask;
    private volatile ProcessState _state = ProcessState.Starting;
    private volatile bool _abandoned;

    /// <summary>A container to start, or (with <paramref name="adopted"/>) one a previous paasd started, to follow.</summary>
    public Container(ContainerRelease release, string type, int index, string command, ContainerInspection? adopted = null)
    {
        _release = release;
        Type = type;
        Index = index;
        Command = command;
        _adopted = adopted;
        if (adopted is not null)
        {
            _id = adopted.Id;
            StartedAt = adopted.StartedAt;
            Port = adopted.HostPorts.Count == 1 ? adopted.HostPorts.Values.Single() : adopted.HostPorts.GetValueOrDefault(WebPortKey(release)); // only the web port is published; the image (and so its EXPOSE) is not known yet
        }

        if (release.Image is not null)
        {
            _bound.TrySetResult();
        }
    }

    public string Type { get; }

    public int Index { get; }

    public string Name => $"{Type}.{Index.ToString(CultureInfo.InvariantCulture)}";

    public string Command { get; }

    public int Release => _release.Spec.Release;

    public ContainerRelease Context => _release;

    public bool IsWeb => Type == "web";

    public ProcessState State => _state;

    public DateTimeOffset? StartedAt { get; private set; }

    /// <summary>The port published on 127.0.0.1 for a web container, or null.</summary>
    public int? Port { get; private set; }

    public ProcessStatus Status() => new(Name, Type, _state, Release, Command, StartedAt);

    /// <summary>Starts supervising; completes with null once first up, or the reason of a failed first boot.</summary>
    public Task<string?> StartAsync(bool giveUpOnFailedBoot)
    {
        _supervisor = Task.Run(() => SuperviseAsync(giveUpOnFailedBoot));
        return _firstBoot.Task;
    }

    /// <summary>Gives an adopted container the full release (config vars, pulled image) the controller's reconcile brought, so it can be started again after a crash.</summary>
    public void Rebind(ContainerRelease release)
    {
        _release = release;
        _bound.TrySetResult();
    }

    /// <summary>Stops the container: <c>podman stop --time GRACE</c> (SIGTERM, then SIGKILL), and removes it; completes when it is gone.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        string? id;
        lock (_gate)
        {
            _stopping.Cancel();
            id = _id;
        }

        if (_state != ProcessState.Down)
        {
            SetState(ProcessState.Stopping);
        }

        if (id is not null)
        {
            _release.Event($"paas[{Name}]", "Stopping all processes with SIGTERM");
            var seconds = ((int)Math.Ceiling(grace.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            var stopped = await _release.Cli.RunAsync(["stop", "--time", seconds, id], CancellationToken.None).ConfigureAwait(false);
            if (stopped.Error.Contains("resorting to SIGKILL", StringComparison.Ordinal))
            {
                _release.Event($"paas[{Name}]", $"Error R12 (Exit timeout) -> Process did not exit within {grace.TotalSeconds:0.#} s of SIGTERM, stopping it with SIGKILL");
            }
        }

        await _supervisor.ConfigureAwait(false);
        if (id is not null && _supervisor.IsCompleted && _id == id)
        {
            await RemoveAsync(id).ConfigureAwait(false); // never followed (stopped before its supervisor started)
        }

        SetState(ProcessState.Down);
    }

    /// <summary>Stops supervising without touching the container, as a crashed paasd would (recovery tests use it).</summary>
    public void Abandon()
    {
        lock (_gate)
        {
            _abandoned = true;
            _stopping.Cancel();
            foreach (var helper in _helpers)
            {
                PodmanCli.Kill(helper);
            }
        }
    }

    private async Task SuperviseAsync(bool giveUpOnFailedBoot)
    {
        var backoff = _release.Options.CrashBackoffInitial;
        var everUp = false;
        while (!_stopping.IsCancellationRequested)
        {
            SetState(ProcessState.Starting);
            try
            {
                await _bound.Task.WaitAsync(_stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var options = _release.Options;
            var adopted = _adopted;
            _adopted = null;
            string? id;
            string? failure;
            if (adopted is not null)
            {
                (id, failure) = (adopted.Id, null);
            }
            else
            {
                (id, failure) = await LaunchAsync().ConfigureAwait(false);
            }

            if (id is null && failure is null)
            {
                break; // stopping
            }

            var pump = Task.CompletedTask;
            if (id is not null)
            {
                pump = FollowLogs(id, since: adopted is not null);
                var exit = WaitForExitAsync(id);
                failure = await WaitUntilUpAsync(exit).ConfigureAwait(false);
                if (failure is null)
                {
                    everUp = true;
                    var upAt = DateTimeOffset.UtcNow;
                    SetState(ProcessState.Up);
                    _release.Event($"paas[{Name}]", adopted is null ? "State changed from starting to up" : "Found running after a platform restart; state up");
                    _firstBoot.TrySetResult(null);
                    var status = await exit.ConfigureAwait(false);
                    if (_stopping.IsCancellationRequested)
                    {
                        await RemoveAsync(id).ConfigureAwait(false);
                        await pump.WaitAsync(TimeSpan.FromSeconds(1)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                        break;
                    }

                    await RemoveAsync(id).ConfigureAwait(false);
                    if (DateTimeOffset.UtcNow - upAt >= options.CrashBackoffReset)
                    {
                        backoff = options.CrashBackoffInitial;
                    }

                    failure = $"Process exited with status {status}";
                }
                else
                {
                    await RemoveAsync(id).ConfigureAwait(false);
                }
            }

            await pump.WaitAsync(TimeSpan.FromSeconds(1)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            if (_stopping.IsCancellationRequested)
            {
                break;
            }

            if (giveUpOnFailedBoot && !everUp)
            {
                SetState(ProcessState.Down);
                _release.Event($"paas[{Name}]", $"Error R10 (Boot failure) -> {failure}");
                _firstBoot.TrySetResult(failure);
                return;
            }

            SetState(ProcessState.Crashed);
            _release.Event($"paas[{Name}]", $"{failure}; state changed to crashed, restarting in {backoff.TotalSeconds:0.#} s");
            try
            {
                await Task.Delay(backoff, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            backoff = options.NextBackoff(backoff);
        }

        _firstBoot.TrySetResult($"{Name} was stopped before it came up");
    }

    /// <summary><c>podman run -d</c>, then one inspect for its start time and published port; (null, null) when stopped meanwhile.</summary>
    private async Task<(string? Id, string? Failure)> LaunchAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return (null, null);
        }

        var release = _release;
        string? envFile = null;
        try
        {
            var (args, environment, envText) = ContainerCommand.Build(release, Name, Type, Command, ["-d"]);
            if (envText is not null)
            {
                envFile = ContainerCommand.WriteEnvFile(envText);
                args.InsertRange(1, ["--env-file", envFile]);
            }

            release.Event($"paas[{Name}]", $"Starting process with command `{Command}`" + (IsWeb ? $" on PORT {release.WebPort}" : ""));
            var run = await release.Cli.RunAsync(args, CancellationToken.None, environment).ConfigureAwait(false);
            if (run.ExitCode != 0)
            {
                return (null, $"{Name} could not start: podman run failed: {run.Reason}");
            }

            var id = run.Output.Trim().Split('\n')[^1].Trim();
            var inspected = await release.Cli.RunAsync(["container", "inspect", id], CancellationToken.None).ConfigureAwait(false);
            var facts = inspected.ExitCode == 0 ? ContainerInspection.Parse(inspected.Output).FirstOrDefault() : null;
            lock (_gate)
            {
                _id = id;
                StartedAt = facts?.StartedAt ?? DateTimeOffset.UtcNow;
                Port = IsWeb ? facts?.HostPorts.GetValueOrDefault(WebPortKey(release)) : null;
            }

            if (IsWeb && Port is null or 0)
            {
                return (id, $"{Name} has no port published on 127.0.0.1 ({inspected.Reason})");
            }

            return (id, null);
        }
        catch (Exception e) when (e is InvalidOperationException or SchedulerUnavailableException or IOException)
        {
            return (null, $"{Name} could not start: {e.Message}");
        }
        finally
        {
            if (envFile is not null)
            {
                File.Delete(envFile);
            }
        }
    }

    /// <summary><c>podman logs -f</c>: each line to <c>app[NAME]</c>; for an adopted container only what it writes from now on.</summary>
    private Task FollowLogs(string id, bool since)
    {
        List<string> args = ["logs", "--follow"];
        if (since)
        {
            args.AddRange(["--since", DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture)]);
        }

        args.Add(id);
        var process = Helper(args);
        return process is null
            ? Task.CompletedTask
            : ProcessLauncher.PumpAsync(process, line =>
            {
                _release.Event($"app[{Name}]", line);
                return ValueTask.CompletedTask;
            }).ContinueWith(_ => Forget(process), TaskScheduler.Default);
    }

    /// <summary>
    /// <c>podman wait</c>: the container's exit status (128 + N after signal N), or -1 when it cannot be told. Should
    /// <c>podman wait</c> itself fail while the container still runs (a storage lock timing out under load), it waits again
    /// rather than take a running container for a crashed one.
    /// </summary>
    private async Task<int> WaitForExitAsync(string id)
    {
        while (true)
        {
            var process = Helper(["wait", id]);
            if (process is null)
            {
                return -1;
            }

            var output = await process.StandardOutput.ReadToEndAsync(CancellationToken.None).ConfigureAwait(false);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            Forget(process);
            if (int.TryParse(output.Trim(), CultureInfo.InvariantCulture, out var status))
            {
                return status;
            }

            var running = _abandoned ? null : await _release.Cli.RunAsync(["container", "inspect", "--format", "{{.State.Running}}", id], CancellationToken.None).ConfigureAwait(false);
            if (running is null || running.ExitCode != 0 || running.Output.Trim() != "true")
            {
                return -1;
            }

            await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
    }

    private Process? Helper(IEnumerable<string> args)
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested && _state == ProcessState.Down)
            {
                return null;
            }

            var process = _release.Cli.Start(args);
            _helpers.Add(process);
            return process;
        }
    }

    private void Forget(Process process)
    {
        lock (_gate)
        {
            _helpers.Remove(process);
        }

        process.Dispose();
    }

    private Task<string?> WaitUntilUpAsync(Task<int> exit)
    {
        if (!IsWeb)
        {
            return Task.FromResult<string?>(null);
        }

        var webPort = _release.WebPort;
        return BootCheck.WaitUntilUpAsync(Name, Port!.Value, webPort, _release.HealthCheckFor(Type), _release.BootTimeout,
            () => exit.IsCompleted ? $"{Name} exited with status {exit.Result} before it listened on PORT {webPort}" : null, _stopping.Token);
    }

    private async Task RemoveAsync(string id)
    {
        if (_abandoned)
        {
            return; // a crashed paasd removes nothing: the next one adopts the container
        }

        await _release.Cli.RunAsync(["rm", "--force", "--time", "0", id], CancellationToken.None).ConfigureAwait(false);
        lock (_gate)
        {
            if (_id == id)
            {
                _id = null;
            }
        }
    }

    private static string WebPortKey(ContainerRelease release) => $"{release.WebPort.ToString(CultureInfo.InvariantCulture)}/tcp";

    private void SetState(ProcessState state)
    {
        var before = _state;
        _state = state;
        if (IsWeb && (before == ProcessState.Up) != (state == ProcessState.Up))
        {
            _release.EndpointsChanged(_release.Spec.App);
        }
    }
}

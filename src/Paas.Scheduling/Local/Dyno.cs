using System.Diagnostics;
using System.Globalization;

namespace Paas.Scheduling.Local;

/// <summary>
/// One supervised process of a release (<c>web.1</c>). Its supervisor loop:
/// 1. start the process (state starting), with a fresh PORT when it is a web process;
/// 2. wait until it is up: a web process accepts TCP connections on PORT (and answers its health check path, when the
///    app has one) within the boot timeout, other types at once;
/// 3. wait for it to exit; unless it was asked to stop, it crashed: state crashed, wait the back-off (doubling up to the
///    cap, reset after a long enough run), then go back to 1.
/// A dyno started for a deploy or a rolling restart gives up on its first failed boot instead, so the caller can keep the
/// processes it was meant to replace.
/// </summary>
internal sealed class Dyno : ISupervisedProcess
{
    private readonly ReleaseContext _context;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<string?> _firstBoot = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Process? _process;
    private Task _supervisor = Task.CompletedTask;
    private volatile ProcessState _state = ProcessState.Starting;

    public Dyno(ReleaseContext context, string type, int index)
    {
        _context = context;
        Type = type;
        Index = index;
        Command = context.Spec.ProcessTypes[type];
    }

    public string Type { get; }

    public int Index { get; }

    public string Name => $"{Type}.{Index.ToString(CultureInfo.InvariantCulture)}";

    public string Command { get; }

    public int Release => _context.Spec.Release;

    public ReleaseContext Context => _context;

    public bool IsWeb => Type == "web";

    public ProcessState State => _state;

    public DateTimeOffset? StartedAt { get; private set; }

    public int? Port { get; private set; }

    public int? Pid { get; private set; }

    public ProcessStatus Status() => new(Name, Type, _state, Release, Command, StartedAt);

    /// <summary>Starts supervising; the task completes with null once the process is first up, or the reason of a failed first boot.</summary>
    public Task<string?> StartAsync(bool giveUpOnFailedBoot)
    {
        _supervisor = Task.Run(() => SuperviseAsync(giveUpOnFailedBoot));
        return _firstBoot.Task;
    }

    /// <summary>Stops the process: SIGTERM to its group, <paramref name="grace"/>, then SIGKILL; completes when it is down.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        Process? process;
        lock (_gate)
        {
            _stopping.Cancel();
            process = _process;
        }

        if (_state != ProcessState.Down)
        {
            SetState(ProcessState.Stopping);
        }

        if (process is not null && !process.HasExited)
        {
            _context.Event($"paas[{Name}]", "Stopping all processes with SIGTERM");
            ProcessGroups.Signal(process.Id, ProcessGroups.SigTerm);
            using var timeout = new CancellationTokenSource(grace);
            try
            {
                await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _context.Event($"paas[{Name}]", $"Error R12 (Exit timeout) -> Process did not exit within {grace.TotalSeconds:0.#} s of SIGTERM, stopping it with SIGKILL");
                ProcessGroups.Signal(process.Id, ProcessGroups.SigKill);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }

        await _supervisor.ConfigureAwait(false);
        SetState(ProcessState.Down);
    }

    /// <summary>Stops supervising without touching the process, as a crashed platform would (tests of recovery use it).</summary>
    public void Abandon()
    {
        lock (_gate)
        {
            _stopping.Cancel();
        }
    }

    private async Task SuperviseAsync(bool giveUpOnFailedBoot)
    {
        var options = _context.Options;
        var backoff = options.CrashBackoffInitial;
        var everUp = false;
        while (!_stopping.IsCancellationRequested)
        {
            SetState(ProcessState.Starting);
            Process? process;
            string? failure;
            try
            {
                process = Launch();
                failure = null;
            }
            catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
            {
                process = null;
                failure = $"{Name} could not start: {e.Message}";
            }

            if (process is null && failure is null)
            {
                break; // stopping
            }

            Task pump = Task.CompletedTask;
            if (process is not null)
            {
                pump = ProcessLauncher.PumpAsync(process, line =>
                {
                    _context.Event($"app[{Name}]", line);
                    return ValueTask.CompletedTask;
                });
                failure = await WaitUntilUpAsync(process).ConfigureAwait(false);
            }

            if (failure is null && process is not null)
            {
                everUp = true;
                var upAt = DateTimeOffset.UtcNow;
                SetState(ProcessState.Up);
                _context.Event($"paas[{Name}]", "State changed from starting to up");
                _firstBoot.TrySetResult(null);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                Forget(process);
                if (_stopping.IsCancellationRequested)
                {
                    break;
                }

                if (DateTimeOffset.UtcNow - upAt >= options.CrashBackoffReset)
                {
                    backoff = options.CrashBackoffInitial;
                }

                failure = $"Process exited with status {process.ExitCode}";
            }
            else if (process is not null)
            {
                ProcessGroups.Signal(process.Id, ProcessGroups.SigKill);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                Forget(process);
            }

            await pump.WaitAsync(TimeSpan.FromSeconds(1)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            if (_stopping.IsCancellationRequested)
            {
                break;
            }

            if (giveUpOnFailedBoot && !everUp)
            {
                SetState(ProcessState.Down);
                _context.Event($"paas[{Name}]", $"Error R10 (Boot failure) -> {failure}");
                _firstBoot.TrySetResult(failure);
                return;
            }

            SetState(ProcessState.Crashed);
            _context.Event($"paas[{Name}]", $"{failure}; state changed to crashed, restarting in {backoff.TotalSeconds:0.#} s");
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

    private Process? Launch()
    {
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return null;
            }

            var port = IsWeb ? FreePorts.Next() : (int?)null;
            var process = ProcessLauncher.Start(_context, Name, Command, port, redirectInput: false);
            _context.Records.Add(process.Id, _context.Spec.App, Name);
            _process = process;
            Port = port;
            Pid = process.Id;
            StartedAt = DateTimeOffset.UtcNow;
            _context.Event($"paas[{Name}]", $"Starting process with command `{Command}`" + (port is null ? "" : $" on PORT {port}"));
            return process;
        }
    }

    private void Forget(Process process)
    {
        ProcessGroups.Signal(process.Id, ProcessGroups.SigKill); // children left behind by the group leader
        _context.Records.Remove(process.Id);
    }

    private Task<string?> WaitUntilUpAsync(Process process) =>
        IsWeb
            ? BootCheck.WaitUntilUpAsync(Name, Port!.Value, Port!.Value, _context.HealthCheckFor(Type), _context.BootTimeout,
                () => process.HasExited ? $"{Name} exited with status {process.ExitCode} before it listened on PORT {Port}" : null, _stopping.Token)
            : Task.FromResult<string?>(null);

    private void SetState(ProcessState state)
    {
        var before = _state;
        _state = state;
        if (IsWeb && (before == ProcessState.Up) != (state == ProcessState.Up))
        {
            _context.EndpointsChanged(_context.Spec.App);
        }
    }
}

using System.Globalization;

namespace Paas.Scheduling.Local;

/// <summary>
/// One supervised process of a release on this machine, whatever runs it (the local runtime's <see cref="Dyno"/>, podman's
/// container), and its supervisor loop, the one rule for both:
/// 1. start it once (<see cref="LaunchAsync"/>; state starting);
/// 2. wait until it is up: a web process accepts TCP connections on its port (and answers its health check path, when the
///    app has one) within the boot timeout (<see cref="BootCheck"/>), other types at once;
/// 3. wait for it to exit and end what is left of it (<see cref="ProcessRun"/>); unless it was asked to stop, it crashed:
///    state crashed, wait the back-off (<see cref="LocalRuntimeOptions.NextBackoff"/>, reset after a long enough run), then
///    go back to 1.
/// One started for a deploy or a rolling restart gives up on its first failed boot instead (Heroku's R10), so the caller
/// can keep the processes it was meant to replace.
/// </summary>
/// <typeparam name="TRelease">What the processes of one release share.</typeparam>
internal abstract class SupervisedProcess<TRelease> : ISupervisedProcess
    where TRelease : ISupervisedRelease
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource<string?> _firstBoot = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _supervisor = Task.CompletedTask;
    private volatile ProcessState _state = ProcessState.Starting;

    /// <summary>A process of <paramref name="type"/> number <paramref name="index"/> of <paramref name="release"/>, not started.</summary>
    /// <param name="release">Its release.</param>
    /// <param name="type">Its process type.</param>
    /// <param name="index">Its number within the type, from 1.</param>
    /// <param name="command">Its command.</param>
    protected SupervisedProcess(TRelease release, string type, int index, string command)
    {
        Context = release;
        Type = type;
        Index = index;
        Command = command;
    }

    /// <inheritdoc />
    public string Type { get; }

    /// <inheritdoc />
    public int Index { get; }

    /// <inheritdoc />
    public string Name => $"{Type}.{Index.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Its command (<c>bundle exec puma</c>).</summary>
    public string Command { get; }

    /// <inheritdoc />
    public int Release => Context.Spec.Release;

    /// <summary>Its release.</summary>
    public TRelease Context { get; protected set; }

    /// <inheritdoc />
    public bool IsWeb => Type == "web";

    /// <inheritdoc />
    public ProcessState State => _state;

    /// <summary>When its current start began, or null before the first.</summary>
    public DateTimeOffset? StartedAt { get; protected set; }

    /// <inheritdoc />
    public int? Port { get; protected set; }

    /// <summary>Serializes starts with stops.</summary>
    protected Lock Gate { get; } = new();

    /// <summary>Cancelled once it is asked to stop (or abandoned).</summary>
    protected CancellationToken Stopping => _stopping.Token;

    /// <summary>The process's own <c>PORT</c>, which the boot check names (the same as <see cref="Port"/> but for a container).</summary>
    protected abstract int ProcessPort { get; }

    /// <inheritdoc />
    public ProcessStatus Status() => new(Name, Type, _state, Release, Command, StartedAt);

    /// <summary>Starts supervising; the task completes with null once the process is first up, or the reason of a failed first boot.</summary>
    /// <param name="giveUpOnFailedBoot">True: a failed first boot ends the supervision; false: it is restarted.</param>
    /// <returns>Null once up, or why its first boot failed.</returns>
    public Task<string?> StartAsync(bool giveUpOnFailedBoot)
    {
        _supervisor = Task.Run(() => SuperviseAsync(giveUpOnFailedBoot));
        return _firstBoot.Task;
    }

    /// <summary>Stops it (<see cref="TerminateAsync"/>: SIGTERM, <paramref name="grace"/>, then SIGKILL); completes when it is down.</summary>
    /// <param name="grace">How long it may take to exit after SIGTERM.</param>
    /// <returns>A task that completes when it is down and its supervisor has ended.</returns>
    public async Task StopAsync(TimeSpan grace)
    {
        lock (Gate)
        {
            _stopping.Cancel();
        }

        if (_state != ProcessState.Down)
        {
            SetState(ProcessState.Stopping);
        }

        await TerminateAsync(grace).ConfigureAwait(false);
        await _supervisor.ConfigureAwait(false);
        await StoppedAsync().ConfigureAwait(false);
        SetState(ProcessState.Down);
    }

    /// <summary>Stops supervising without touching what runs, as a crashed platform would (tests of recovery use it).</summary>
    public void Abandon()
    {
        lock (Gate)
        {
            OnAbandon();
            _stopping.Cancel();
        }
    }

    /// <summary>Starts it once: (the run, null); (the run, a failure) when it started but cannot be checked; (null, why) when it could not start; (null, null) when it is stopping.</summary>
    /// <returns>The run to follow, and why it failed.</returns>
    protected abstract Task<(ProcessRun? Run, string? Failure)> LaunchAsync();

    /// <summary>Asks what runs to end (SIGTERM, then SIGKILL after <paramref name="grace"/>); <see cref="Stopping"/> is already cancelled.</summary>
    /// <param name="grace">How long it may take.</param>
    /// <returns>A task that completes when it has ended.</returns>
    protected abstract Task TerminateAsync(TimeSpan grace);

    /// <summary>Frees what a stop left once the supervisor has ended; nothing by default.</summary>
    /// <returns>A task that completes when done.</returns>
    protected virtual Task StoppedAsync() => Task.CompletedTask;

    /// <summary>What else an abandon lets go of (called under <see cref="Gate"/>); nothing by default.</summary>
    protected virtual void OnAbandon()
    {
    }

    private async Task SuperviseAsync(bool giveUpOnFailedBoot)
    {
        var backoff = Context.Options.CrashBackoffInitial;
        var everUp = false;
        while (!_stopping.IsCancellationRequested)
        {
            SetState(ProcessState.Starting);
            var (run, failure) = await LaunchAsync().ConfigureAwait(false);
            if (run is null && failure is null)
            {
                break; // stopping
            }

            if (run is not null)
            {
                failure ??= await WaitUntilUpAsync(run).ConfigureAwait(false); // a run that started but failed at once (no published port) keeps its reason
                if (failure is null)
                {
                    everUp = true;
                    var upAt = DateTimeOffset.UtcNow;
                    SetState(ProcessState.Up);
                    Context.Event($"paas[{Name}]", run.Adopted ? "Found running after a platform restart; state up" : "State changed from starting to up");
                    _firstBoot.TrySetResult(null);
                    var status = await run.Exit.ConfigureAwait(false);
                    await run.EndAsync().ConfigureAwait(false);
                    if (DateTimeOffset.UtcNow - upAt >= Context.Options.CrashBackoffReset)
                    {
                        backoff = Context.Options.CrashBackoffInitial;
                    }

                    failure = $"Process exited with status {status}";
                }
                else
                {
                    await run.EndAsync().ConfigureAwait(false);
                }

                await run.Output.WaitAsync(TimeSpan.FromSeconds(1)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
            }

            if (_stopping.IsCancellationRequested)
            {
                break;
            }

            if (giveUpOnFailedBoot && !everUp)
            {
                SetState(ProcessState.Down);
                Context.Event($"paas[{Name}]", $"Error R10 (Boot failure) -> {failure}");
                _firstBoot.TrySetResult(failure);
                return;
            }

            SetState(ProcessState.Crashed);
            Context.Event($"paas[{Name}]", $"{failure}; state changed to crashed, restarting in {backoff.TotalSeconds:0.#} s");
            try
            {
                await Task.Delay(backoff, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            backoff = Context.Options.NextBackoff(backoff);
        }

        _firstBoot.TrySetResult($"{Name} was stopped before it came up");
    }

    private Task<string?> WaitUntilUpAsync(ProcessRun run) =>
        IsWeb
            ? BootCheck.WaitUntilUpAsync(Name, Port!.Value, ProcessPort, Context.HealthCheckFor(Type), Context.BootTimeout,
                () => run.Exit.IsCompleted ? $"{Name} exited with status {run.Exit.Result} before it listened on PORT {ProcessPort}" : null, _stopping.Token)
            : Task.FromResult<string?>(null);

    private void SetState(ProcessState state)
    {
        var before = _state;
        _state = state;
        if (IsWeb && (before == ProcessState.Up) != (state == ProcessState.Up))
        {
            Context.EndpointsChanged(Context.Spec.App);
        }
    }
}

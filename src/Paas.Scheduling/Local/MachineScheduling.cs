using System.Collections.Concurrent;
using System.Globalization;
using Paas.Scheduling.Logs;

namespace Paas.Scheduling.Local;

/// <summary>
/// The scheduling both schedulers on this machine share (the local runtime's <see cref="LocalProcessScheduler"/> and
/// <see cref="Podman.PodmanScheduler"/>): each app's <see cref="AppRuntime{TRelease, TProcess}"/>, deploys with boot checks
/// and retirement of the old processes in the background, scaling, rolling restarts, <c>paas ps</c>, pending releases
/// retried with back-off, reconciliation, the images in use and the endpoints the router gets. What each does its own way
/// is its <see cref="IMachineRuntime{TRelease, TProcess}"/>.
/// </summary>
/// <typeparam name="TRelease">What the processes of one release share.</typeparam>
/// <typeparam name="TProcess">One supervised process.</typeparam>
internal sealed class MachineScheduling<TRelease, TProcess> : IMachineScheduling
    where TRelease : class, ISupervisedRelease
    where TProcess : class, ISupervisedProcess
{
    private const string Scheduler = "paas[scheduler]";
    private readonly IMachineRuntime<TRelease, TProcess> _runtime;
    private readonly LocalRuntimeOptions _options;
    private readonly IAppLogStore _logs;
    private readonly Func<Task> _ready;
    private readonly Action<string> _changed;
    private readonly ConcurrentDictionary<string, AppRuntime<TRelease, TProcess>> _apps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _imagesInFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _background = new();
    private readonly CancellationTokenSource _disposing = new();
    private long _version;

    /// <summary>Creates the shared scheduling of one scheduler.</summary>
    /// <param name="runtime">What the scheduler does its own way.</param>
    /// <param name="options">The settings (grace, drain, back-off).</param>
    /// <param name="logs">Where the apps' log lines go.</param>
    /// <param name="ready">What every operation waits for first (the clean-up or adoption after a platform restart).</param>
    /// <param name="changed">Told the app's name when its endpoints change (after <see cref="Version"/> is raised).</param>
    public MachineScheduling(IMachineRuntime<TRelease, TProcess> runtime, LocalRuntimeOptions options, IAppLogStore logs, Func<Task> ready, Action<string> changed)
    {
        _runtime = runtime;
        _options = options;
        _logs = logs;
        _ready = ready;
        _changed = changed;
    }

    /// <summary>Raised each time an app's endpoints change (see <see cref="IEndpointFeed.Version"/>).</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Cancelled as the scheduler shuts down or is abandoned.</summary>
    public CancellationToken Disposing => _disposing.Token;

    /// <summary>The releases the apps run now.</summary>
    public IEnumerable<TRelease> CurrentReleases => _apps.Values.Select(a => a.Current).OfType<TRelease>();

    /// <summary>The app's runtime, made when it has none.</summary>
    /// <param name="app">The app's name.</param>
    /// <returns>Its runtime.</returns>
    public AppRuntime<TRelease, TProcess> App(string app) => _apps.GetOrAdd(app, name => new AppRuntime<TRelease, TProcess>(name));

    /// <summary>The app's web processes that are up, by number, as the router reaches them on 127.0.0.1.</summary>
    /// <param name="app">The app's name.</param>
    /// <returns>Its endpoints.</returns>
    public IReadOnlyList<AppEndpoint> GetEndpoints(string app) =>
        _apps.TryGetValue(app, out var runtime)
            ? [.. runtime.Dynos
                .Where(p => p.IsWeb && p.State == ProcessState.Up && p.Port is > 0)
                .OrderBy(p => p.Index)
                .Select(p => new AppEndpoint(app, p.Name, p.Release, "127.0.0.1", p.Port!.Value))]
            : [];

    /// <summary>See <see cref="IScheduler.DeployAsync"/>: answers once traffic is switched; the old processes retire in the background (<see cref="RetireAsync"/>).</summary>
    /// <param name="spec">What to run.</param>
    /// <param name="cancellationToken">Cancels the wait (the new processes are stopped).</param>
    /// <returns>Success, or why the new processes did not come up.</returns>
    public async Task<DeployResult> DeployAsync(DeploymentSpec spec, CancellationToken cancellationToken)
    {
        await _ready().ConfigureAwait(false);
        var app = App(spec.App);
        await app.Operations.WaitAsync(cancellationToken).ConfigureAwait(false);
        using var inFlight = TrackImage(spec.Image);
        Task? retiring = null;
        try
        {
            Event(spec.App, $"Deploying v{spec.Release} ({Formation(spec)})");
            var (release, _, unavailable) = await _runtime.PrepareAsync(spec, cancellationToken).ConfigureAwait(false);
            if (release is null)
            {
                Event(spec.App, $"Release v{spec.Release} failed: {unavailable}");
                return DeployResult.Failure(unavailable!);
            }

            var fresh = Wanted(release).ToList();
            string? failure;
            try
            {
                failure = await BootAllAsync(fresh, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await StopAllAsync(fresh).ConfigureAwait(false);
                Event(spec.App, $"Deploy of v{spec.Release} cancelled; the new processes were stopped");
                throw;
            }

            if (failure is not null)
            {
                await StopAllAsync(fresh).ConfigureAwait(false);
                var keeps = app.Current is null ? "nothing was running" : $"v{app.Current.Spec.Release} keeps running";
                Event(spec.App, $"Release v{spec.Release} failed to boot: {failure}; {keeps}");
                _runtime.LogDeployFailed(spec, failure);
                return DeployResult.Failure(failure);
            }

            var old = app.Replace(fresh, app.Dynos);
            app.Current = release;
            app.Pending = null;
            OnEndpointsChanged(spec.App);
            Event(spec.App, $"Release v{spec.Release} is up ({Formation(spec)}); stopping {old.Count} old process(es)");
            _runtime.LogDeployed(spec);
            retiring = Background(RetireAsync(app, old));
        }
        finally
        {
            if (retiring is null)
            {
                app.Operations.Release();
            }
        }

        return DeployResult.Success;
    }

    /// <summary>See <see cref="IScheduler.ScaleAsync"/>.</summary>
    /// <param name="spec">The current release with the new formation.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the change has been applied.</returns>
    public async Task ScaleAsync(DeploymentSpec spec, CancellationToken cancellationToken)
    {
        await _ready().ConfigureAwait(false);
        var app = App(spec.App);
        await app.Operations.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await ApplyAsync(app, spec, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            app.Operations.Release();
        }
    }

    /// <summary>
    /// See <see cref="IScheduler.RestartAsync"/>: one process after the other, a web replacement must come up before the
    /// old process drains and stops (if it does not, the old one keeps serving); a release waiting for its image is tried
    /// again now instead, or the restart says why it cannot start.
    /// </summary>
    /// <param name="app">The app's name.</param>
    /// <param name="target">A process type, one process, or null for all.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when every chosen process was restarted.</returns>
    /// <exception cref="SchedulerUnavailableException">The app's pending release still cannot start.</exception>
    public async Task RestartAsync(string app, string? target, CancellationToken cancellationToken)
    {
        await _ready().ConfigureAwait(false);
        if (!_apps.TryGetValue(app, out var runtime))
        {
            return;
        }

        await runtime.Operations.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (runtime.Pending is { } pending)
            {
                Event(app, $"Restarting: trying v{pending.Spec.Release} again now");
                await ApplyAsync(runtime, pending.Spec, cancellationToken).ConfigureAwait(false);
                OnEndpointsChanged(app);
                if (runtime.Pending is { } still)
                {
                    throw new SchedulerUnavailableException($"{app} cannot start v{still.Spec.Release}: {still.Reason}; it is tried again in the background", isTransient: true);
                }

                return;
            }

            var chosen = runtime.Dynos.Where(p => target is null || p.Type == target || p.Name == target).OrderBy(p => p.Type, StringComparer.Ordinal).ThenBy(p => p.Index).ToList();
            Event(app, $"Restarting {(target ?? "all processes")} ({chosen.Count})");
            foreach (var old in chosen)
            {
                var replacement = _runtime.Replacement(old, runtime.Current);
                if (old.IsWeb)
                {
                    string? failure;
                    try
                    {
                        failure = await replacement.StartAsync(giveUpOnFailedBoot: true).WaitAsync(cancellationToken).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        await replacement.StopAsync(_options.StopGracePeriod).ConfigureAwait(false);
                        throw;
                    }

                    if (failure is not null)
                    {
                        await replacement.StopAsync(_options.StopGracePeriod).ConfigureAwait(false);
                        Event(app, $"Restart of {old.Name} failed: {failure}; the running process keeps serving");
                        continue;
                    }

                    Swap(runtime, old, replacement);
                    OnEndpointsChanged(app);
                    await AppRuntime<TRelease, TProcess>.DrainAsync([old], _options).ConfigureAwait(false);
                    await old.StopAsync(_options.StopGracePeriod).ConfigureAwait(false);
                    runtime.Forget([old]);
                }
                else
                {
                    Swap(runtime, old, replacement);
                    await old.StopAsync(_options.StopGracePeriod).ConfigureAwait(false);
                    runtime.Forget([old]);
                    _ = replacement.StartAsync(giveUpOnFailedBoot: false);
                }
            }
        }
        finally
        {
            runtime.Operations.Release();
        }
    }

    /// <summary>The app's processes (those stopping too) and those of a pending release that none runs for yet, by type, number and release.</summary>
    /// <param name="app">The app's name.</param>
    /// <returns>The processes; empty for an app with nothing running.</returns>
    public IReadOnlyList<ProcessStatus> List(string app) =>
        _apps.TryGetValue(app, out var runtime)
            ? [.. runtime.All.Select(p => p.Status()).Concat(Waiting(runtime)).OrderBy(s => s.Type, StringComparer.Ordinal).ThenBy(s => Index(s.Name)).ThenBy(s => s.Release)]
            : [];

    /// <summary>
    /// See <see cref="IScheduler.RunAsync"/>, the one run of both schedulers on this machine:
    /// 1. make the release runnable (its image leased meanwhile); else the run did not start;
    /// 2. a pseudo-terminal when the caller has one and reads raw output (none left: pipes);
    /// 3. the runtime starts the process (<see cref="IMachineRuntime{TRelease, TProcess}.StartRun"/>);
    /// 4. its output to the caller (lines, or raw chunks; to the app's logs when detached), the caller's input to it;
    /// 5. wait for its exit; at the time limit, or when the caller goes away, kill it;
    /// 6. stop forwarding input, give the output 2 s to drain, and write how it ended to the app's logs.
    /// </summary>
    /// <param name="request">What to run.</param>
    /// <param name="output">Receives each output line, unless the run is detached or reads raw output.</param>
    /// <param name="cancellationToken">Ends the process (the caller went away).</param>
    /// <returns>Its exit status, or why it could not start.</returns>
    public async Task<RunResult> RunAsync(RunRequest request, Func<string, CancellationToken, ValueTask> output, CancellationToken cancellationToken)
    {
        await _ready().ConfigureAwait(false);
        var spec = request.Spec;
        var name = Paas.Domain.ProcessTypes.OneOff + "." + Random.Shared.Next(1000, 10000).ToString(CultureInfo.InvariantCulture);
        using var inFlight = TrackImage(spec.Image);
        var (release, _, unavailable) = await _runtime.PrepareAsync(spec, cancellationToken).ConfigureAwait(false);
        if (release is null)
        {
            return RunResult.NotStarted(name, unavailable!);
        }

        using var terminal = request.Terminal is { } tty && !request.Detached && request.RawOutput is not null ? OpenTerminal(tty) : null;
        var (run, failure) = _runtime.StartRun(release, name, request, terminal);
        if (run is null)
        {
            return RunResult.NotStarted(name, failure!);
        }

        using var process = run.Process;
        var limit = request.TimeLimit ?? _options.RunTimeLimit;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        var pump = request.RawOutput is { } raw && !request.Detached
            ? ProcessLauncher.PumpChunksAsync(process, chunk => ProcessLauncher.DeliverAsync(() => raw(chunk, deadline.Token)))
            : ProcessLauncher.PumpAsync(process, line => request.Detached
                ? Log(spec.App, name, line)
                : ProcessLauncher.DeliverAsync(() => output(line, deadline.Token)));
        if (terminal is not null)
        {
            // The pipes only carry the complaint of what failed to open the terminal; everything else comes from it.
            pump = Task.WhenAll(pump, terminal.PumpAsync(chunk => ProcessLauncher.DeliverAsync(() => request.RawOutput!(chunk, deadline.Token))));
        }

        // Input stops when the process ends, even when the caller never closes it (an interactive caller that typed nothing).
        // Not at the deadline itself: ending the input closes the process's standard input, and a process reading it (cat)
        // would then exit 0 on its own before the kill, so a timed-out run reported status 0 (CI, 2026-12-07).
        using var inputEnd = new CancellationTokenSource();
        var input = request.Input is not { } stream ? Task.CompletedTask
            : terminal is null ? ProcessLauncher.ForwardInputAsync(stream, process, inputEnd.Token)
            : Task.WhenAll(terminal.ForwardKeystrokesAsync(stream, inputEnd.Token), terminal.ApplyResizesAsync(request.Terminal!, inputEnd.Token));
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            await run.KillAsync().ConfigureAwait(false);
        }
        finally
        {
            run.Ended();
        }

        await inputEnd.CancelAsync().ConfigureAwait(false);
        await Task.WhenAny(Task.WhenAll(pump, input), Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false);
        var exit = process.HasExited ? process.ExitCode : 137;
        Event(spec.App, timedOut
            ? $"{name} reached its time limit of {limit.TotalSeconds:0.#} s and was killed"
            : $"Process {name} exited with status {exit}");
        return new RunResult(name, exit, timedOut, null);
    }

    /// <summary>See <see cref="IScheduler.DestroyAsync"/>: stops the app, frees what the scheduler holds for it, deletes its logs, prunes.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when the app is gone.</returns>
    public async Task DestroyAsync(string app, CancellationToken cancellationToken)
    {
        await _ready().ConfigureAwait(false);
        await StopAppAsync(app, cancellationToken).ConfigureAwait(false);
        await _runtime.AppDestroyedAsync(app, cancellationToken).ConfigureAwait(false);
        _logs.Delete(app);
        await PruneAsync().ConfigureAwait(false);
    }

    /// <summary>See <see cref="IScheduler.ReconcileAsync"/>: apps not in <paramref name="desired"/> are stopped (their logs stay), the others brought to their spec.</summary>
    /// <param name="desired">One spec per app that should run.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes once every app's processes have been started or stopped.</returns>
    public async Task ReconcileAsync(IReadOnlyCollection<DeploymentSpec> desired, CancellationToken cancellationToken)
    {
        await _ready().ConfigureAwait(false);
        var wanted = desired.Select(d => d.App).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _apps.Keys.Where(a => !wanted.Contains(a)).ToList())
        {
            await StopAppAsync(gone, cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(desired.Select(async spec =>
        {
            var app = App(spec.App);
            await app.Operations.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                Event(spec.App, $"Platform start: bringing back v{spec.Release} ({Formation(spec)})");
                await ApplyAsync(app, spec, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                app.Operations.Release();
            }
        })).ConfigureAwait(false);
        await PruneAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// As the platform shuts down: waits for the deploys still retiring old processes, then stops every process
    /// (<paramref name="stopProcesses"/>) or lets them run for the next platform process (<see cref="Abandon"/>).
    /// </summary>
    /// <param name="stopProcesses">True: stop them; false: abandon them.</param>
    /// <returns>A task that completes when done.</returns>
    public async Task ShutDownAsync(bool stopProcesses)
    {
        await _disposing.CancelAsync().ConfigureAwait(false);
        await _ready().ConfigureAwait(false);
        await Task.WhenAll(_background.Keys).ConfigureAwait(false);
        if (stopProcesses)
        {
            await Task.WhenAll(_apps.Keys.ToList().Select(app => StopAppAsync(app, CancellationToken.None))).ConfigureAwait(false);
        }
        else
        {
            Abandon();
        }
    }

    /// <summary>Forgets every process without stopping it, as if the platform had crashed (for recovery tests).</summary>
    public void Abandon()
    {
        _disposing.Cancel();
        foreach (var app in _apps.Values)
        {
            foreach (var process in app.All)
            {
                process.Abandon();
            }
        }

        _apps.Clear();
    }

    /// <summary>Stops the app's processes and forgets it, then lets the runtime remove what is left (<see cref="IMachineRuntime{TRelease, TProcess}.AppStoppedAsync"/>).</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task that completes when its processes are down.</returns>
    public async Task StopAppAsync(string app, CancellationToken cancellationToken)
    {
        if (_apps.TryGetValue(app, out var runtime))
        {
            await runtime.Operations.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                await runtime.StopEverythingAsync(_options).ConfigureAwait(false);
                _apps.TryRemove(app, out _);
                OnEndpointsChanged(app);
            }
            finally
            {
                runtime.Operations.Release();
            }
        }

        await _runtime.AppStoppedAsync(app, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Marks <paramref name="image"/> as needed while a deploy or run prepares it, so a concurrent prune keeps it.</summary>
    /// <param name="image">The image reference.</param>
    /// <returns>The lease; disposing it ends it.</returns>
    public ImageLease TrackImage(string image)
    {
        _imagesInFlight.AddOrUpdate(image, 1, (_, n) => n + 1);
        return new ImageLease(_imagesInFlight, image);
    }

    /// <summary>Raises <see cref="Version"/> and tells the scheduler's listeners that <paramref name="app"/>'s endpoints changed.</summary>
    /// <param name="app">The app's name.</param>
    public void OnEndpointsChanged(string app)
    {
        Interlocked.Increment(ref _version);
        _changed(app);
    }

    /// <summary>Writes a <c>paas[scheduler]</c> line to the app's logs.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="message">The line.</param>
    public void Event(string app, string message) => _logs.Write(app, Scheduler, message);

    /// <summary>The number of a process name (<c>web.2</c> is 2), or 0.</summary>
    /// <param name="name">The process name.</param>
    /// <returns>Its number.</returns>
    public static int Index(string name) =>
        int.TryParse(name.AsSpan(name.LastIndexOf('.') + 1), CultureInfo.InvariantCulture, out var i) ? i : 0;

    /// <summary>
    /// After a deploy has switched traffic: lets the old processes finish what they serve (<see cref="LocalRuntimeOptions.EndpointDrainDelay"/>),
    /// stops them, prunes, then releases the app's operations lock, which it holds from the deploy. The deploy has already
    /// answered: the new release serves while the old one drains, as old pods terminate on Kubernetes after a rollout
    /// (<c>paas ps</c> lists them as stopping until they are gone); the app's next operation waits.
    /// </summary>
    private async Task RetireAsync(AppRuntime<TRelease, TProcess> app, IReadOnlyList<TProcess> old)
    {
        try
        {
            await AppRuntime<TRelease, TProcess>.DrainAsync(old, _options).ConfigureAwait(false);
            await StopAllAsync(old).ConfigureAwait(false);
            app.Forget(old);
        }
        finally
        {
            app.Operations.Release();
        }

        await PruneAsync().ConfigureAwait(false);
    }

    /// <summary>A pseudo-terminal for a run with a TTY, or null when the system has none left (the run then goes on with pipes, and its caller sees plain output).</summary>
    private PseudoTerminal? OpenTerminal(RunTerminal terminal)
    {
        try
        {
            return PseudoTerminal.Open(terminal.Size);
        }
        catch (IOException e)
        {
            _runtime.LogNoTerminal(e.Message);
            return null;
        }
    }

    private ValueTask Log(string app, string name, string line)
    {
        _logs.Write(app, $"app[{name}]", line);
        return ValueTask.CompletedTask;
    }

    /// <summary>Keeps <paramref name="work"/> until it ends, so <see cref="ShutDownAsync"/> waits for it.</summary>
    private Task Background(Task work)
    {
        _background[work] = 0;
        _ = work.ContinueWith(t => _background.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return work;
    }

    /// <summary>
    /// Makes the app run <paramref name="spec"/>'s formation (the caller holds its operations lock): another release ->
    /// replace without boot checks; the release found running after a platform restart -> keep its processes
    /// (<see cref="IMachineRuntime{TRelease, TProcess}.KeepRunningAsync"/>); the same release -> scale. When the release
    /// cannot be made runnable (the registry is not up yet as paasd starts, or is unreachable), it is kept as
    /// <see cref="AppRuntime{TRelease, TProcess}.Pending"/>: <c>paas ps</c> lists its processes as down with the reason, and
    /// it is tried again after 1 s, 2 s, 4 s... up to <see cref="LocalRuntimeOptions.CrashBackoffMax"/>, until it starts or
    /// another operation replaces it.
    /// </summary>
    private async Task ApplyAsync(AppRuntime<TRelease, TProcess> app, DeploymentSpec spec, CancellationToken cancellationToken)
    {
        var current = app.Current;
        if (current is null || current.Spec.Release != spec.Release || current.Spec.Image != spec.Image || !_runtime.IsComplete(current))
        {
            using var inFlight = TrackImage(spec.Image);
            var (release, unavailable, _) = await _runtime.PrepareAsync(spec, cancellationToken).ConfigureAwait(false);
            if (release is null)
            {
                Postpone(app, spec, unavailable ?? "unknown failure");
                return;
            }

            app.Pending = null;
            if (current is null || !await _runtime.KeepRunningAsync(app, current, release).ConfigureAwait(false))
            {
                var fresh = Wanted(release).ToList();
                var old = app.Replace(fresh, app.Dynos);
                app.Current = release;
                await StopAllAsync(old).ConfigureAwait(false);
                app.Forget(old);
                foreach (var process in fresh)
                {
                    _ = process.StartAsync(giveUpOnFailedBoot: false);
                }

                return;
            }

            current = release;
        }

        var next = _runtime.WithSpec(current, spec);
        app.Current = next;
        var plan = FormationChange.Plan(app.Dynos, spec, (type, index) => _runtime.Create(next, type, index), (type, count) => Event(spec.App, $"Scaled {type} to {count}"));
        await app.ChangeAsync(plan, _options, () => OnEndpointsChanged(spec.App)).ConfigureAwait(false);
    }

    /// <summary>Keeps <paramref name="spec"/> as the app's pending release and schedules its next attempt.</summary>
    private void Postpone(AppRuntime<TRelease, TProcess> app, DeploymentSpec spec, string reason)
    {
        var pending = PendingRelease.After(app.Pending, spec, reason, _options);
        app.Pending = pending;
        Event(spec.App, pending.Message);
        _runtime.LogUnavailable(spec, reason);
        _ = app.RetryAsync(pending, () => _apps.TryGetValue(app.Name, out var still) && ReferenceEquals(still, app),
            stopping => ApplyAsync(app, pending.Spec, stopping), () => OnEndpointsChanged(app.Name), _disposing.Token);
    }

    /// <summary>The processes of a pending release that none runs for yet, listed as down with the reason.</summary>
    private static IEnumerable<ProcessStatus> Waiting(AppRuntime<TRelease, TProcess> runtime)
    {
        if (runtime.Pending is not { } pending)
        {
            return [];
        }

        var running = runtime.Dynos.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        var wait = Math.Max(0, (int)Math.Ceiling((pending.NextAttempt - DateTimeOffset.UtcNow).TotalSeconds));
        return pending.Spec.Formation
            .Where(f => pending.Spec.ProcessTypes.ContainsKey(f.Key))
            .SelectMany(f => Enumerable.Range(1, f.Value).Select(i => (Type: f.Key, Name: $"{f.Key}.{i}")))
            .Where(p => !running.Contains(p.Name))
            .Select(p => new ProcessStatus(p.Name, p.Type, ProcessState.Down, pending.Spec.Release, pending.Spec.ProcessTypes[p.Type], null, 0,
                $"v{pending.Spec.Release} cannot start yet: {pending.Reason} (attempt {pending.Attempts}; next in {wait} s)"));
    }

    /// <summary>Removes what no app's current release and no deploy or run in flight uses (<see cref="IMachineRuntime{TRelease, TProcess}.PruneAsync"/>).</summary>
    private Task PruneAsync() =>
        _runtime.PruneAsync(CurrentReleases.Select(r => r.Spec.Image).Concat(_imagesInFlight.Keys).ToHashSet(StringComparer.Ordinal));

    /// <summary>Starts the processes, each giving up on a failed boot; null once all are up, or the first failure.</summary>
    private static async Task<string?> BootAllAsync(List<TProcess> processes, CancellationToken cancellationToken)
    {
        var pending = processes.Select(p => p.StartAsync(giveUpOnFailedBoot: true)).ToList();
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending).WaitAsync(cancellationToken).ConfigureAwait(false);
            pending.Remove(done);
            if (await done.ConfigureAwait(false) is { } failure)
            {
                return failure;
            }
        }

        return null;
    }

    private Task StopAllAsync(IEnumerable<TProcess> processes) => AppRuntime<TRelease, TProcess>.StopAllAsync(processes, _options);

    private static void Swap(AppRuntime<TRelease, TProcess> app, TProcess old, TProcess replacement) =>
        app.Replace(app.Dynos.Select(p => p == old ? replacement : p), [old]);

    /// <summary>The processes of the release's formation, by type then number, not started.</summary>
    private IEnumerable<TProcess> Wanted(TRelease release) =>
        release.Spec.Formation
            .Where(kv => release.Spec.ProcessTypes.ContainsKey(kv.Key))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .SelectMany(kv => Enumerable.Range(1, Math.Max(0, kv.Value)).Select(i => _runtime.Create(release, kv.Key, i)));

    private static string Formation(DeploymentSpec spec) =>
        string.Join(' ', spec.Formation.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
}

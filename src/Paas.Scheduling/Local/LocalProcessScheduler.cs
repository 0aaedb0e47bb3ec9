using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Scheduling.Logs;
using AppRuntime = Paas.Scheduling.Local.AppRuntime<Paas.Scheduling.Local.ReleaseContext, Paas.Scheduling.Local.Dyno>;

namespace Paas.Scheduling.Local;

/// <summary>
/// The local process runtime, the platform's embedded default <see cref="IScheduler"/>: each process of a release is
/// <c>bash -c COMMAND</c> in the release's unpacked slug on this machine, the way Heroku runs dynos (see <see cref="Dyno"/>
/// for one process's life, <see cref="LocalPaths"/> for the files). It also feeds the router (<see cref="IEndpointFeed"/>)
/// and writes the app's logs (<see cref="IAppLogStore"/>). After a platform restart nothing runs until the controller calls
/// <see cref="ReconcileAsync"/>; processes a crashed platform left behind are stopped first.
/// </summary>
public sealed partial class LocalProcessScheduler : IScheduler, IEndpointFeed, IAsyncDisposable
{
    private const string Scheduler = "paas[scheduler]";
    private readonly LocalRuntimeOptions _options;
    private readonly ISlugSource _slugs;
    private readonly IAppLogStore _logs;
    private readonly ILogger<LocalProcessScheduler> _logger;
    private readonly ProcessRecords _records;
    private readonly ConcurrentDictionary<string, AppRuntime> _apps = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _imagesInFlight = new(StringComparer.Ordinal);
    private readonly Task _reaped;
    private readonly AppUsers? _users;
    private readonly LocalPaths _paths;
    private readonly CancellationTokenSource _disposing = new();
    private readonly ConcurrentDictionary<Task, byte> _background = new();
    private long _version;

    /// <summary>Creates the runtime and, in the background, stops the processes a previous platform process left behind.</summary>
    /// <param name="options">Its settings.</param>
    /// <param name="slugs">Where slugs come from.</param>
    /// <param name="logs">Where log lines go.</param>
    /// <param name="logger">The platform's own log.</param>
    public LocalProcessScheduler(IOptions<LocalRuntimeOptions> options, ISlugSource slugs, IAppLogStore logs, ILogger<LocalProcessScheduler> logger)
    {
        _options = options.Value;
        _slugs = slugs;
        _logs = logs;
        _logger = logger;
        _paths = new LocalPaths(_options.DataDirectory);
        _records = new ProcessRecords(_paths.Processes);
        if (_options.RunAsAppUsers ?? Environment.IsPrivilegedProcess)
        {
            _users = new AppUsers();
            Directory.CreateDirectory(_options.AppMountPoint);
        }
        _reaped = Task.Run(async () =>
        {
            var grace = _options.StopGracePeriod < TimeSpan.FromSeconds(5) ? _options.StopGracePeriod : TimeSpan.FromSeconds(5);
            foreach (var leftover in await _records.ReapAsync(grace).ConfigureAwait(false))
            {
                LogReaped(_logger, leftover);
            }
        });
    }

    /// <summary>
    /// True: a one-off run with a TTY gets a pseudo-terminal of this machine (<see cref="PseudoTerminal"/>) as its
    /// controlling terminal, resized as the caller's window changes; should none be left, it runs on pipes instead.
    /// </summary>
    public bool SupportsTty => true;

    /// <inheritdoc />
    public long Version => Interlocked.Read(ref _version);

    /// <inheritdoc />
    public event EventHandler<string>? Changed;

    /// <inheritdoc />
    public IReadOnlyList<AppEndpoint> GetEndpoints(string app) =>
        _apps.TryGetValue(app, out var runtime)
            ? [.. runtime.Dynos
                .Where(d => d.IsWeb && d.State == ProcessState.Up && d.Port is not null)
                .OrderBy(d => d.Index)
                .Select(d => new AppEndpoint(app, d.Name, d.Release, "127.0.0.1", d.Port!.Value))]
            : [];

    /// <inheritdoc />
    public async Task<DeployResult> DeployAsync(DeploymentSpec spec, CancellationToken cancellationToken)
    {
        await _reaped.ConfigureAwait(false);
        var app = _apps.GetOrAdd(spec.App, name => new AppRuntime(name));
        await app.Operations.WaitAsync(cancellationToken).ConfigureAwait(false);
        using var inFlight = TrackImage(spec.Image);
        Task? retiring = null;
        try
        {
            Event(spec.App, $"Deploying v{spec.Release} ({Formation(spec)})");
            var slug = await _slugs.PrepareAsync(spec.App, spec.Image, cancellationToken).ConfigureAwait(false);
            if (slug.AppDirectory is null)
            {
                var reason = $"the slug of v{spec.Release} is not available: {slug.FailureReason}";
                Event(spec.App, $"Release v{spec.Release} failed: {reason}");
                return DeployResult.Failure(reason);
            }

            var (context, unconfined) = await ContextAsync(spec, slug.AppDirectory, cancellationToken).ConfigureAwait(false);
            if (context is null)
            {
                Event(spec.App, $"Release v{spec.Release} failed: {unconfined}");
                return DeployResult.Failure(unconfined!);
            }

            var fresh = Wanted(context).ToList();
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
                LogDeployFailed(_logger, spec.App, spec.Release, failure);
                return DeployResult.Failure(failure);
            }

            var old = app.Replace(fresh, app.Dynos);
            app.Current = context;
            app.Pending = null;
            OnEndpointsChanged(spec.App);
            Event(spec.App, $"Release v{spec.Release} is up ({Formation(spec)}); stopping {old.Count} old process(es)");
            LogDeployed(_logger, spec.App, spec.Release);
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

    /// <summary>
    /// After a deploy has switched traffic: lets the old processes finish what they serve (<see cref="LocalRuntimeOptions.EndpointDrainDelay"/>),
    /// stops them, removes slugs no release needs any more, then releases the app's operations lock, which it holds from the
    /// deploy. The deploy has already answered: the new release serves while the old one drains, as old pods terminate on
    /// Kubernetes after a rollout (<c>paas ps</c> lists them as stopping until they are gone); the app's next operation waits.
    /// </summary>
    private async Task RetireAsync(AppRuntime app, IReadOnlyList<Dyno> old)
    {
        try
        {
            await DrainAsync(old).ConfigureAwait(false);
            await StopAllAsync(old).ConfigureAwait(false);
            app.Forget(old);
        }
        finally
        {
            app.Operations.Release();
        }

        await PruneAsync().ConfigureAwait(false);
    }

    /// <summary>Keeps <paramref name="work"/> until it ends, so <see cref="DisposeAsync"/> waits for it.</summary>
    private Task Background(Task work)
    {
        _background[work] = 0;
        _ = work.ContinueWith(t => _background.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return work;
    }

    /// <inheritdoc />
    public async Task ScaleAsync(DeploymentSpec spec, CancellationToken cancellationToken)
    {
        await _reaped.ConfigureAwait(false);
        var app = _apps.GetOrAdd(spec.App, name => new AppRuntime(name));
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

    /// <inheritdoc />
    public async Task RestartAsync(string app, string? target, CancellationToken cancellationToken)
    {
        await _reaped.ConfigureAwait(false);
        if (!_apps.TryGetValue(app, out var runtime))
        {
            return;
        }

        await runtime.Operations.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (runtime.Pending is { } pending)
            {
                // A release waiting for its image: a restart is an attempt now, or says why it cannot start.
                Event(app, $"Restarting: trying v{pending.Spec.Release} again now");
                await ApplyAsync(runtime, pending.Spec, cancellationToken).ConfigureAwait(false);
                OnEndpointsChanged(app);
                if (runtime.Pending is { } still)
                {
                    throw new SchedulerUnavailableException($"{app} cannot start v{still.Spec.Release}: {still.Reason}; it is tried again in the background", isTransient: true);
                }

                return;
            }

            var chosen = runtime.Dynos.Where(d => target is null || d.Type == target || d.Name == target).OrderBy(d => d.Type, StringComparer.Ordinal).ThenBy(d => d.Index).ToList();
            Event(app, $"Restarting {(target ?? "all processes")} ({chosen.Count})");
            foreach (var old in chosen)
            {
                var replacement = new Dyno(old.Context, old.Type, old.Index);
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
                    await DrainAsync([old]).ConfigureAwait(false);
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

    /// <inheritdoc />
    public Task<IReadOnlyList<ProcessStatus>> ListAsync(string app, CancellationToken cancellationToken)
    {
        IReadOnlyList<ProcessStatus> list = _apps.TryGetValue(app, out var runtime)
            ? [.. runtime.All.Select(d => d.Status()).Concat(Waiting(runtime)).OrderBy(s => s.Type, StringComparer.Ordinal).ThenBy(s => Index(s.Name)).ThenBy(s => s.Release)]
            : [];
        return Task.FromResult(list);
    }

    /// <summary>The processes of a pending release that none runs for yet, listed as down with the reason.</summary>
    private static IEnumerable<ProcessStatus> Waiting(AppRuntime runtime)
    {
        if (runtime.Pending is not { } pending)
        {
            return [];
        }

        var running = runtime.Dynos.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var wait = Math.Max(0, (int)Math.Ceiling((pending.NextAttempt - DateTimeOffset.UtcNow).TotalSeconds));
        return pending.Spec.Formation
            .Where(f => pending.Spec.ProcessTypes.ContainsKey(f.Key))
            .SelectMany(f => Enumerable.Range(1, f.Value).Select(i => (Type: f.Key, Name: $"{f.Key}.{i}")))
            .Where(p => !running.Contains(p.Name))
            .Select(p => new ProcessStatus(p.Name, p.Type, ProcessState.Down, pending.Spec.Release, pending.Spec.ProcessTypes[p.Type], null, 0,
                $"v{pending.Spec.Release} cannot start yet: {pending.Reason} (attempt {pending.Attempts}; next in {wait} s)"));
    }

    /// <inheritdoc />
    public async Task DestroyAsync(string app, CancellationToken cancellationToken)
    {
        await _reaped.ConfigureAwait(false);
        await StopAppAsync(app, cancellationToken).ConfigureAwait(false);
        _logs.Delete(app);
        if (_users is not null)
        {
            await _users.RemoveAsync(app).ConfigureAwait(false);
            var copies = Path.Combine(_paths.AppSlugs, app);
            if (Directory.Exists(copies))
            {
                Directory.Delete(copies, recursive: true);
            }
        }

        await PruneAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<RunResult> RunAsync(RunRequest request, Func<string, CancellationToken, ValueTask> output, CancellationToken cancellationToken)
    {
        await _reaped.ConfigureAwait(false);
        var spec = request.Spec;
        var name = "run." + Random.Shared.Next(1000, 10000).ToString(CultureInfo.InvariantCulture);
        using var inFlight = TrackImage(spec.Image);
        var slug = await _slugs.PrepareAsync(spec.App, spec.Image, cancellationToken).ConfigureAwait(false);
        if (slug.AppDirectory is null)
        {
            return RunResult.NotStarted(name, $"the slug of v{spec.Release} is not available: {slug.FailureReason}");
        }

        var (context, unconfined) = await ContextAsync(spec, slug.AppDirectory, cancellationToken).ConfigureAwait(false);
        if (context is null)
        {
            return RunResult.NotStarted(name, unconfined!);
        }

        Event(spec.App, $"Starting process {name} with command `{request.Command}`");
        Process process;
        using var terminal = request.Terminal is { } tty && !request.Detached && request.RawOutput is not null ? OpenTerminal(tty) : null;
        try
        {
            process = ProcessLauncher.Start(context, name, request.Command, FreePorts.Next(), redirectInput: request.Input is not null && terminal is null,
                terminal is null ? null : (terminal.SlavePath, request.Terminal!.Type));
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return RunResult.NotStarted(name, $"{name} could not start: {e.Message}");
        }

        _records.Add(process.Id, spec.App, name);
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
            // The pipes only carry the shell's complaint should it fail to open the terminal; everything else comes from it.
            pump = Task.WhenAll(pump, terminal.PumpAsync(chunk => ProcessLauncher.DeliverAsync(() => request.RawOutput!(chunk, deadline.Token))));
        }

        // Input stops when the process ends, even when the caller never closes it (an interactive caller that typed nothing).
        using var inputEnd = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token);
        var input = request.Input is null ? Task.CompletedTask
            : terminal is null ? ProcessLauncher.ForwardInputAsync(request.Input, process, inputEnd.Token)
            : Task.WhenAll(terminal.ForwardKeystrokesAsync(request.Input, inputEnd.Token), terminal.ApplyResizesAsync(request.Terminal!, inputEnd.Token));
        var timedOut = false;
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            timedOut = !cancellationToken.IsCancellationRequested;
            ProcessGroups.Signal(process.Id, ProcessGroups.SigKill);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        ProcessGroups.Signal(process.Id, ProcessGroups.SigKill);
        _records.Remove(process.Id);
        await inputEnd.CancelAsync().ConfigureAwait(false);
        await Task.WhenAny(Task.WhenAll(pump, input), Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false);
        var exit = process.ExitCode;
        Event(spec.App, timedOut
            ? $"{name} reached its time limit of {limit.TotalSeconds:0.#} s and was killed"
            : $"Process {name} exited with status {exit}");
        return new RunResult(name, exit, timedOut, null);
    }

    /// <inheritdoc />
    public async Task ReconcileAsync(IReadOnlyCollection<DeploymentSpec> desired, CancellationToken cancellationToken)
    {
        await _reaped.ConfigureAwait(false);
        var wanted = desired.Select(d => d.App).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in _apps.Keys.Where(a => !wanted.Contains(a)).ToList())
        {
            await StopAppAsync(gone, cancellationToken).ConfigureAwait(false);
        }

        await Task.WhenAll(desired.Select(async spec =>
        {
            var app = _apps.GetOrAdd(spec.App, name => new AppRuntime(name));
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

    /// <summary>Stops every process (SIGTERM, grace period, SIGKILL), as the platform shuts down.</summary>
    /// <returns>A task that completes when every process is down.</returns>
    public async ValueTask DisposeAsync()
    {
        await _disposing.CancelAsync().ConfigureAwait(false);
        await _reaped.ConfigureAwait(false);
        await Task.WhenAll(_background.Keys).ConfigureAwait(false);
        await Task.WhenAll(_apps.Keys.ToList().Select(app => StopAppAsync(app, CancellationToken.None))).ConfigureAwait(false);
    }

    /// <summary>Forgets every process without stopping it, as if the platform had crashed (for recovery tests).</summary>
    internal void Abandon()
    {
        foreach (var app in _apps.Values)
        {
            foreach (var dyno in app.All)
            {
                dyno.Abandon();
            }
        }

        _disposing.Cancel();
        _apps.Clear();
    }

    /// <summary>
    /// Makes the app run <paramref name="spec"/>'s formation (the caller holds its operations lock): same release -> scale;
    /// another release -> replace without boot checks. When its
    /// image cannot be made available (the registry is not up yet as paasd starts, or is unreachable), the release is kept
    /// as <see cref="AppRuntime.Pending"/>: <c>paas ps</c> lists its processes as down with the reason, and it is tried again
    /// after 1 s, 2 s, 4 s... up to <see cref="LocalRuntimeOptions.CrashBackoffMax"/>, until it starts or another operation
    /// replaces it.
    /// </summary>
    private async Task ApplyAsync(AppRuntime app, DeploymentSpec spec, CancellationToken cancellationToken)
    {
        var current = app.Current;
        if (current is null || current.Spec.Release != spec.Release || current.Spec.Image != spec.Image)
        {
            using var inFlight = TrackImage(spec.Image);
            var slug = await _slugs.PrepareAsync(spec.App, spec.Image, cancellationToken).ConfigureAwait(false);
            var (context, unconfined) = slug.AppDirectory is null ? (null, slug.FailureReason) : await ContextAsync(spec, slug.AppDirectory, cancellationToken).ConfigureAwait(false);
            if (context is null)
            {
                Postpone(app, spec, unconfined ?? "unknown failure");
                return;
            }

            app.Pending = null;

            var fresh = Wanted(context).ToList();
            var old = app.Replace(fresh, app.Dynos);
            app.Current = context;
            await StopAllAsync(old).ConfigureAwait(false);
            app.Forget(old);
            foreach (var dyno in fresh)
            {
                _ = dyno.StartAsync(giveUpOnFailedBoot: false);
            }

            return;
        }

        var next = current with { Spec = spec };
        app.Current = next;
        var plan = FormationChange.Plan(app.Dynos, spec, (type, index) => new Dyno(next, type, index), (type, count) => Event(spec.App, $"Scaled {type} to {count}"));
        await app.ChangeAsync(plan, _options, () => OnEndpointsChanged(spec.App)).ConfigureAwait(false);
    }

    /// <summary>Keeps <paramref name="spec"/> as the app's pending release and schedules its next attempt.</summary>
    private void Postpone(AppRuntime app, DeploymentSpec spec, string reason)
    {
        var pending = PendingRelease.After(app.Pending, spec, reason, _options);
        app.Pending = pending;
        Event(spec.App, pending.Message);
        LogSlugUnavailable(_logger, spec.App, spec.Release, reason);
        _ = app.RetryAsync(pending, () => _apps.TryGetValue(app.Name, out var still) && ReferenceEquals(still, app),
            stopping => ApplyAsync(app, pending.Spec, stopping), () => OnEndpointsChanged(app.Name), _disposing.Token);
    }

    private async Task StopAppAsync(string app, CancellationToken cancellationToken)
    {
        if (!_apps.TryGetValue(app, out var runtime))
        {
            return;
        }

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

    private static async Task<string?> BootAllAsync(List<Dyno> dynos, CancellationToken cancellationToken)
    {
        var pending = dynos.Select(d => d.StartAsync(giveUpOnFailedBoot: true)).ToList();
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

    private Task DrainAsync(IReadOnlyCollection<Dyno> leaving) => AppRuntime.DrainAsync(leaving, _options);

    private Task StopAllAsync(IEnumerable<Dyno> dynos) => AppRuntime.StopAllAsync(dynos, _options);

    private static void Swap(AppRuntime app, Dyno old, Dyno replacement) =>
        app.Replace(app.Dynos.Select(d => d == old ? replacement : d), [old]);

    private IEnumerable<Dyno> Wanted(ReleaseContext context) =>
        context.Spec.Formation
            .Where(kv => context.Spec.ProcessTypes.ContainsKey(kv.Key))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .SelectMany(kv => Enumerable.Range(1, Math.Max(0, kv.Value)).Select(i => new Dyno(context, kv.Key, i)));

    private async Task<(ReleaseContext? Context, string? Failure)> ContextAsync(DeploymentSpec spec, string appDirectory, CancellationToken cancellationToken)
    {
        AppUser? user = null;
        if (_users is not null)
        {
            var copy = _paths.AppSlug(spec.App, appDirectory);
            (user, var failure) = await _users.PrepareAsync(spec.App, appDirectory, copy, cancellationToken).ConfigureAwait(false);
            if (user is null)
            {
                return (null, failure);
            }

            appDirectory = copy;
        }

        return (new ReleaseContext(spec, appDirectory, _options, _logs, _records, OnEndpointsChanged, user), null);
    }

    private void OnEndpointsChanged(string app)
    {
        Interlocked.Increment(ref _version);
        Changed?.Invoke(this, app);
    }

    private void Event(string app, string message) => _logs.Write(app, Scheduler, message);

    private async Task PruneAsync()
    {
        var inUse = _apps.Values.Select(a => a.Current?.Spec.Image).OfType<string>().Concat(_imagesInFlight.Keys).ToHashSet(StringComparer.Ordinal);
        try
        {
            await _slugs.PruneAsync(inUse, CancellationToken.None).ConfigureAwait(false);
            PruneAppCopies();
        }
        catch (IOException e)
        {
            LogPruneFailed(_logger, e);
        }
    }

    /// <summary>Removes apps' copies of slugs that no app's current release runs and that are no longer unpacked (no kept release uses them; the rule of the shared slugs).</summary>
    private void PruneAppCopies()
    {
        if (!Directory.Exists(_paths.AppSlugs))
        {
            return;
        }

        var current = _apps.Values.Select(a => a.Current?.AppDirectory).OfType<string>().ToHashSet(StringComparer.Ordinal);
        foreach (var app in Directory.EnumerateDirectories(_paths.AppSlugs))
        {
            foreach (var copy in Directory.EnumerateDirectories(app))
            {
                if (!current.Contains(copy) && !Directory.Exists(Path.Combine(_paths.Slugs, Path.GetFileName(copy))))
                {
                    Directory.Delete(copy, recursive: true);
                }
            }
        }
    }

    private ImageLease TrackImage(string image)
    {
        _imagesInFlight.AddOrUpdate(image, 1, (_, n) => n + 1);
        return new ImageLease(_imagesInFlight, image);
    }

    private static string Formation(DeploymentSpec spec) =>
        string.Join(' ', spec.Formation.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    private static int Index(string name) =>
        int.TryParse(name.AsSpan(name.LastIndexOf('.') + 1), CultureInfo.InvariantCulture, out var i) ? i : 0;

    private ValueTask Log(string app, string name, string line)
    {
        _logs.Write(app, $"app[{name}]", line);
        return ValueTask.CompletedTask;
    }


    /// <summary>
    /// A pseudo-terminal for a run with a TTY (<see cref="SupportsTty"/>); null when the system has none left, and the run
    /// then goes on with pipes (its caller sees plain output, as without a TTY).
    /// </summary>
    private PseudoTerminal? OpenTerminal(RunTerminal terminal)
    {
        try
        {
            return PseudoTerminal.Open(terminal.Size);
        }
        catch (IOException e)
        {
            LogNoTerminal(_logger, e.Message);
            return null;
        }
    }

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Deployed v{Release} of {App}")]
    private static partial void LogDeployed(ILogger logger, string app, int release);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Warning, Message = "v{Release} of {App} failed to boot: {Reason}")]
    private static partial void LogDeployFailed(ILogger logger, string app, int release, string reason);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "Stopped a process left behind by a previous platform process: {Process}")]
    private static partial void LogReaped(ILogger logger, string process);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Error, Message = "Cannot run v{Release} of {App}: {Reason}")]
    private static partial void LogSlugUnavailable(ILogger logger, string app, int release, string? reason);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Warning, Message = "Removing unused slugs failed")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Warning, Message = "A one-off process asked for a terminal and runs without one: {Reason}")]
    private static partial void LogNoTerminal(ILogger logger, string reason);
}

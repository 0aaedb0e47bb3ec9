using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Scheduling.Logs;

namespace Paas.Scheduling.Local;

/// <summary>
/// The local process runtime, the platform's embedded default <see cref="IScheduler"/>: each process of a release is
/// <c>bash -c COMMAND</c> in the release's unpacked slug on this machine, the way Heroku runs dynos (see <see cref="Dyno"/>
/// for one process's life, <see cref="LocalPaths"/> for the files). It also feeds the router (<see cref="IEndpointFeed"/>)
/// and writes the app's logs (<see cref="IAppLogStore"/>). After a platform restart nothing runs until the controller calls
/// <see cref="ReconcileAsync"/>; processes a crashed platform left behind are stopped first.
/// </summary>
public sealed partial class LocalProcessScheduler : IScheduler, IEndpointFeed, IAsyncDisposable, IMachineRuntime<ReleaseContext, Dyno>
{
    private readonly LocalRuntimeOptions _options;
    private readonly ISlugSource _slugs;
    private readonly IAppLogStore _logs;
    private readonly ILogger<LocalProcessScheduler> _logger;
    private readonly ProcessRecords _records;
    private readonly MachineScheduler<ReleaseContext, Dyno> _machine;
    private readonly Task _reaped;
    private readonly AppUsers? _users;
    private readonly LocalPaths _paths;

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
        _machine = new MachineScheduler<ReleaseContext, Dyno>(this, _options, logs, () => _reaped, app => Changed?.Invoke(this, app));
    }

    /// <summary>
    /// True: a one-off run with a TTY gets a pseudo-terminal of this machine (<see cref="PseudoTerminal"/>) as its
    /// controlling terminal, resized as the caller's window changes; should none be left, it runs on pipes instead.
    /// </summary>
    public bool SupportsTty => true;

    /// <inheritdoc />
    public long Version => _machine.Version;

    /// <inheritdoc />
    public event EventHandler<string>? Changed;

    /// <inheritdoc />
    public IReadOnlyList<AppEndpoint> GetEndpoints(string app) => _machine.GetEndpoints(app);

    /// <inheritdoc />
    public Task<DeployResult> DeployAsync(DeploymentSpec spec, CancellationToken cancellationToken) => _machine.DeployAsync(spec, cancellationToken);

    /// <inheritdoc />
    public Task ScaleAsync(DeploymentSpec spec, CancellationToken cancellationToken) => _machine.ScaleAsync(spec, cancellationToken);

    /// <inheritdoc />
    public Task RestartAsync(string app, string? target, CancellationToken cancellationToken) => _machine.RestartAsync(app, target, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ProcessStatus>> ListAsync(string app, CancellationToken cancellationToken) => Task.FromResult(_machine.List(app));

    /// <inheritdoc />
    public Task DestroyAsync(string app, CancellationToken cancellationToken) => _machine.DestroyAsync(app, cancellationToken);

    /// <inheritdoc />
    public async Task<RunResult> RunAsync(RunRequest request, Func<string, CancellationToken, ValueTask> output, CancellationToken cancellationToken)
    {
        await _reaped.ConfigureAwait(false);
        var spec = request.Spec;
        var name = "run." + Random.Shared.Next(1000, 10000).ToString(CultureInfo.InvariantCulture);
        using var inFlight = _machine.TrackImage(spec.Image);
        var (context, _, unavailable) = await PrepareAsync(spec, cancellationToken).ConfigureAwait(false);
        if (context is null)
        {
            return RunResult.NotStarted(name, unavailable!);
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
    public Task ReconcileAsync(IReadOnlyCollection<DeploymentSpec> desired, CancellationToken cancellationToken) => _machine.ReconcileAsync(desired, cancellationToken);

    /// <summary>Stops every process (SIGTERM, grace period, SIGKILL), as the platform shuts down.</summary>
    /// <returns>A task that completes when every process is down.</returns>
    public async ValueTask DisposeAsync() => await _machine.ShutDownAsync(stopProcesses: true).ConfigureAwait(false);

    /// <summary>Forgets every process without stopping it, as if the platform had crashed (for recovery tests).</summary>
    internal void Abandon() => _machine.Abandon();

    /// <summary>The release's slug, unpacked (and copied for the app's user): the release's processes run in it.</summary>
    Task<(ReleaseContext? Release, string? Failure, string? Message)> IMachineRuntime<ReleaseContext, Dyno>.PrepareAsync(DeploymentSpec spec, CancellationToken cancellationToken) =>
        PrepareAsync(spec, cancellationToken);

    bool IMachineRuntime<ReleaseContext, Dyno>.IsComplete(ReleaseContext release) => true;

    Task<bool> IMachineRuntime<ReleaseContext, Dyno>.KeepRunningAsync(AppRuntime<ReleaseContext, Dyno> app, ReleaseContext current, ReleaseContext release) => Task.FromResult(false);

    ReleaseContext IMachineRuntime<ReleaseContext, Dyno>.WithSpec(ReleaseContext release, DeploymentSpec spec) => release with { Spec = spec };

    Dyno IMachineRuntime<ReleaseContext, Dyno>.Create(ReleaseContext release, string type, int index) => new(release, type, index);

    Dyno IMachineRuntime<ReleaseContext, Dyno>.Replacement(Dyno old, ReleaseContext? current) => new(old.Context, old.Type, old.Index);

    Task IMachineRuntime<ReleaseContext, Dyno>.AppStoppedAsync(string app, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Removes the app's user and its copies of slugs, when apps run as users of their own.</summary>
    async Task IMachineRuntime<ReleaseContext, Dyno>.AppDestroyedAsync(string app, CancellationToken cancellationToken)
    {
        if (_users is not null)
        {
            await _users.RemoveAsync(app).ConfigureAwait(false);
            var copies = Path.Combine(_paths.AppSlugs, app);
            if (Directory.Exists(copies))
            {
                Directory.Delete(copies, recursive: true);
            }
        }
    }

    /// <summary>Removes the unpacked slugs no release in use needs, and apps' copies of them (<see cref="PruneAppCopies"/>).</summary>
    async Task IMachineRuntime<ReleaseContext, Dyno>.PruneAsync(IReadOnlySet<string> inUse)
    {
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

    void IMachineRuntime<ReleaseContext, Dyno>.LogDeployed(DeploymentSpec spec) => LogDeployed(_logger, spec.App, spec.Release);

    void IMachineRuntime<ReleaseContext, Dyno>.LogDeployFailed(DeploymentSpec spec, string reason) => LogDeployFailed(_logger, spec.App, spec.Release, reason);

    void IMachineRuntime<ReleaseContext, Dyno>.LogUnavailable(DeploymentSpec spec, string reason) => LogSlugUnavailable(_logger, spec.App, spec.Release, reason);

    /// <summary>The release's slug unpacked, then its context; (null, the reason, the answer of a deploy or run) when either fails.</summary>
    private async Task<(ReleaseContext? Context, string? Failure, string? Message)> PrepareAsync(DeploymentSpec spec, CancellationToken cancellationToken)
    {
        var slug = await _slugs.PrepareAsync(spec.App, spec.Image, cancellationToken).ConfigureAwait(false);
        if (slug.AppDirectory is null)
        {
            return (null, slug.FailureReason, $"the slug of v{spec.Release} is not available: {slug.FailureReason}");
        }

        var (context, unconfined) = await ContextAsync(spec, slug.AppDirectory, cancellationToken).ConfigureAwait(false);
        return (context, unconfined, unconfined);
    }

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

        return (new ReleaseContext(spec, appDirectory, _options, _logs, _records, _machine.OnEndpointsChanged, user), null);
    }

    private void Event(string app, string message) => _machine.Event(app, message);

    /// <summary>Removes apps' copies of slugs that no app's current release runs and that are no longer unpacked (no kept release uses them; the rule of the shared slugs).</summary>
    private void PruneAppCopies()
    {
        if (!Directory.Exists(_paths.AppSlugs))
        {
            return;
        }

        var current = _machine.CurrentReleases.Select(r => r.AppDirectory).ToHashSet(StringComparer.Ordinal);
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

using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Scheduling.Logs;

namespace Paas.Scheduling.Local;

/// <summary>
/// The local process runtime, the platform's embedded default <see cref="IScheduler"/>: each process of a release is
/// <c>bash -c COMMAND</c> in the release's unpacked slug on this machine, the way Heroku runs dynos (see <see cref="Dyno"/>
/// for one process's life, <see cref="LocalPaths"/> for the files). It also feeds the router (<see cref="IEndpointFeed"/>)
/// and writes the app's logs (<see cref="IAppLogStore"/>). After a platform restart nothing runs until the controller calls
/// <see cref="IScheduler.ReconcileAsync"/>; processes a crashed platform left behind are stopped first.
/// </summary>
public sealed partial class LocalProcessScheduler : MachineScheduler, IMachineRuntime<ReleaseContext, Dyno>
{
    private readonly LocalRuntimeOptions _options;
    private readonly ISlugSource _slugs;
    private readonly IAppLogStore _logs;
    private readonly ILogger<LocalProcessScheduler> _logger;
    private readonly ProcessRecords _records;
    private readonly MachineScheduling<ReleaseContext, Dyno> _machine;
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
            _users = new AppUsers(SystemUsers.Owner(_options.DataDirectory));
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
        _machine = new MachineScheduling<ReleaseContext, Dyno>(this, _options, logs, () => _reaped, OnChanged);
    }

    /// <inheritdoc />
    private protected override IMachineScheduling Scheduling => _machine;

    /// <summary>Stops every process (SIGTERM, grace period, SIGKILL), as the platform shuts down.</summary>
    /// <returns>A task that completes when every process is down.</returns>
    public override async ValueTask DisposeAsync() => await _machine.ShutDownAsync(stopProcesses: true).ConfigureAwait(false);

    /// <summary>The release's slug, unpacked (and copied for the app's user), then its context: the release's processes run in it.</summary>
    async Task<(ReleaseContext? Release, string? Failure, string? Message)> IMachineRuntime<ReleaseContext, Dyno>.PrepareAsync(DeploymentSpec spec, CancellationToken cancellationToken)
    {
        var slug = await _slugs.PrepareAsync(spec.App, spec.Image, cancellationToken).ConfigureAwait(false);
        if (slug.AppDirectory is null)
        {
            return (null, slug.FailureReason, $"the slug of v{spec.Release} is not available: {slug.FailureReason}");
        }

        var (context, unconfined) = await ContextAsync(spec, slug.AppDirectory, cancellationToken).ConfigureAwait(false);
        return (context, unconfined, unconfined);
    }

    /// <summary><c>bash -c COMMAND</c> in its own process group, on a fresh <c>PORT</c>, recorded so a crashed platform's successor stops it; killed with its group.</summary>
    (OneOffProcess? Run, string? Failure) IMachineRuntime<ReleaseContext, Dyno>.StartRun(ReleaseContext release, string name, RunRequest request, PseudoTerminal? terminal)
    {
        Event(release.Spec.App, $"Starting process {name} with command `{request.Command}`");
        Process process;
        try
        {
            process = ProcessLauncher.Start(release, name, request.Command, FreePorts.Next(), redirectInput: request.Input is not null && terminal is null,
                terminal is null ? null : (terminal.SlavePath, request.Terminal!.Type));
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            return (null, $"{name} could not start: {e.Message}");
        }

        _records.Add(process.Id, release.Spec.App, name);
        return (new OneOffProcess(process,
            async () =>
            {
                ProcessGroups.Signal(process.Id, ProcessGroups.SigKill);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            },
            () =>
            {
                ProcessGroups.Signal(process.Id, ProcessGroups.SigKill);
                _records.Remove(process.Id);
            }), null);
    }

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

    void IMachineRuntime<ReleaseContext, Dyno>.LogNoTerminal(string reason) => LogNoTerminal(_logger, reason);

    private async Task<(ReleaseContext? Context, string? Failure)> ContextAsync(DeploymentSpec spec, string appDirectory, CancellationToken cancellationToken)
    {
        SystemUser? user = null;
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

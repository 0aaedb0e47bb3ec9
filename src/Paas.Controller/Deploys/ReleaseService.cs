using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Paas.Data;
using Paas.Domain;
using Paas.Scheduling;
using Paas.Scheduling.Logs;

namespace Paas.Controller;

/// <summary>
/// Makes releases and deploys them. Each change runs one pipeline under the app's lock:
/// 1. append the release to the ledger (the decision is made inside the ledger's write transaction);
/// 2. if it has a build, deploy it through <see cref="IScheduler"/> with the app's formation;
/// 3. record the outcome: succeeded, or failed with the scheduler's reason (the previous release keeps serving).
/// </summary>
internal sealed partial class ReleaseService(
    LedgerStore ledger,
    FormationStore formations,
    AutoscaleStore autoscale,
    DeploymentSpecs specs,
    IScheduler scheduler,
    AppDeployLocks locks,
    IOptions<PaasOptions> options,
    ILogger<ReleaseService> logger,
    IRoutePropagation routes,
    IEnumerable<IAppDestroyedListener> destroyedListeners,
    IAppLogStore? logs = null)
{
    /// <summary>How long a deploy, scale or restart waits for the routers to have its routes before it reports success anyway: 10 s.</summary>
    private static readonly TimeSpan RouteWait = TimeSpan.FromSeconds(10);

    public Task<Release> ChangeConfigAsync(App app, User user, IReadOnlyDictionary<string, string?> changes, CancellationToken cancellationToken) =>
        AppendAndDeployAsync(app, snapshot =>
        {
            var @base = snapshot.Base!;
            var change = ConfigChange.Apply(@base.Config, changes);
            if (change.IsEmpty)
            {
                throw Problems.Conflict($"nothing changed: {app.Name}'s config already has these values");
            }

            return new LedgerEntry(@base.Build, false, null, change.Values, ReleaseSummary.ConfigChanged(user.Username, change), user.Username, StateAfterChange(@base))
            {
                Limits = @base.Limits,
                HealthChecks = @base.HealthChecks,
            };
        }, cancellationToken);

    public Task<Release> ChangeLimitsAsync(App app, User user, IReadOnlyDictionary<string, string?>? memory, IReadOnlyDictionary<string, string?>? cpu, CancellationToken cancellationToken) =>
        AppendAndDeployAsync(app, snapshot =>
        {
            var @base = snapshot.Base!;
            var change = LimitsChange.Apply(app.Name, @base.Limits, memory, cpu, @base.Build?.ProcessTypes);
            if (change.IsEmpty)
            {
                throw Problems.Conflict($"nothing changed: {app.Name} already has these limits");
            }

            return new LedgerEntry(@base.Build, false, null, @base.Config, ReleaseSummary.LimitsChanged(user.Username, change), user.Username, StateAfterChange(@base))
            {
                Limits = change.Values,
                HealthChecks = @base.HealthChecks,
            };
        }, cancellationToken);

    public Task<Release> SetHealthCheckAsync(App app, User user, string type, HealthCheck check, CancellationToken cancellationToken) =>
        AppendAndDeployAsync(app, snapshot =>
        {
            var @base = snapshot.Base!;
            HealthCheckRules.EnsureValid(app.Name, type, check, @base.Build?.ProcessTypes);
            if (@base.HealthChecks.GetValueOrDefault(type) == check)
            {
                throw Problems.Conflict($"nothing changed: {type} of {app.Name} already has this health check");
            }

            var checks = new SortedDictionary<string, HealthCheck>(@base.HealthChecks.ToDictionary(), StringComparer.Ordinal) { [type] = check };
            return new LedgerEntry(@base.Build, false, null, @base.Config, ReleaseSummary.HealthCheckSet(user.Username, type), user.Username, StateAfterChange(@base))
            {
                Limits = @base.Limits,
                HealthChecks = checks,
            };
        }, cancellationToken);

    public Task<Release> RemoveHealthCheckAsync(App app, User user, string type, CancellationToken cancellationToken) =>
        AppendAndDeployAsync(app, snapshot =>
        {
            var @base = snapshot.Base!;
            if (!@base.HealthChecks.ContainsKey(type))
            {
                throw Problems.NotFound($"{type} of {app.Name} has no health check: `paas healthchecks -a {app.Name}` lists them");
            }

            var checks = @base.HealthChecks.Where(h => h.Key != type).ToDictionary(StringComparer.Ordinal);
            return new LedgerEntry(@base.Build, false, null, @base.Config, ReleaseSummary.HealthCheckRemoved(user.Username, type), user.Username, StateAfterChange(@base))
            {
                Limits = @base.Limits,
                HealthChecks = checks,
            };
        }, cancellationToken);

    public Task<Release> DeployBuildAsync(App app, User user, Build build, CancellationToken cancellationToken) =>
        AppendAndDeployAsync(app, snapshot =>
        {
            var @base = snapshot.Base!;
            return LedgerEntry.KeepingConfigOf(@base, build, true, ReleaseSummary.Deployed(user.Username, build.Sha, build.Image), user.Username, ReleaseState.Pending);
        }, cancellationToken);

    public Task<Release> RollbackAsync(App app, User user, int? version, CancellationToken cancellationToken) =>
        AppendAndDeployAsync(app, snapshot =>
        {
            var current = snapshot.Current ?? throw Problems.Invalid($"{app.Name} has no release to roll back from");
            var target = ReleaseLedger.ChooseRollbackTarget(app.Name, current, version, snapshot.Find, snapshot.PreviousSucceeded);
            return LedgerEntry.KeepingConfigOf(target, target.Build, false, ReleaseSummary.RolledBack(user.Username, target.Version), user.Username, ReleaseState.Pending);
        }, cancellationToken);

    public async Task<IReadOnlyDictionary<string, int>> ScaleAsync(App app, IReadOnlyDictionary<string, int> request, CancellationToken cancellationToken)
    {
        await using var held = (await locks.AcquireAsync(app.Id, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        var current = await ledger.CurrentAsync(app.Id, cancellationToken).ConfigureAwait(false);
        Formation.EnsureValidScale(app.Name, request, current?.Build?.ProcessTypes);
        var policies = await autoscale.GetAsync(app.Id, cancellationToken).ConfigureAwait(false);
        if (request.Keys.Order(StringComparer.Ordinal).FirstOrDefault(policies.ContainsKey) is { } autoscaled)
        {
            var policy = policies[autoscaled];
            throw Problems.Conflict($"{autoscaled} is autoscaled between {policy.Min} and {policy.Max} processes; run `paas autoscale:off {autoscaled} -a {app.Name}` first");
        }

        var formation = await formations.SetAsync(app.Id, request, cancellationToken).ConfigureAwait(false);
        await scheduler.ScaleAsync(DeploymentSpecs.Build(app, current!, formation, policies, scheduler.SupportsAutoscaling), cancellationToken).ConfigureAwait(false);
        var counts = string.Join(' ', request.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
        LogScaled(logger, app.Name, counts);
        logs?.Write(app.Name, "paas[api]", $"Scaled to {counts}");
        return formation;
    }

    /// <summary>Sets the autoscaling policy of a type and applies it at once (422 when the scheduler cannot autoscale).</summary>
    public async Task<IReadOnlyDictionary<string, AutoscalePolicy>> SetAutoscaleAsync(App app, string type, AutoscalePolicy policy, CancellationToken cancellationToken)
    {
        if (!scheduler.SupportsAutoscaling)
        {
            throw new SchedulerUnavailableException(AutoscaleUnsupported(options.Value), isTransient: false);
        }

        await using var held = (await locks.AcquireAsync(app.Id, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        var current = await ledger.CurrentAsync(app.Id, cancellationToken).ConfigureAwait(false);
        AutoscaleRules.EnsureValid(app.Name, type, policy, current?.Build?.ProcessTypes);
        await autoscale.SetAsync(app.Id, type, policy, cancellationToken).ConfigureAwait(false);
        await ApplyFormationAsync(app, current!, cancellationToken).ConfigureAwait(false);
        LogAutoscaled(logger, app.Name, type, policy.Min, policy.Max, policy.CpuPercent);
        logs?.Write(app.Name, "paas[api]", $"Autoscaling {type} between {policy.Min} and {policy.Max} processes at {policy.CpuPercent}% CPU");
        return await autoscale.GetAsync(app.Id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Removes the autoscaling policy of a type; its formation count applies again at once.</summary>
    public async Task RemoveAutoscaleAsync(App app, string type, CancellationToken cancellationToken)
    {
        await using var held = (await locks.AcquireAsync(app.Id, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        if (!await autoscale.RemoveAsync(app.Id, type, cancellationToken).ConfigureAwait(false))
        {
            throw Problems.NotFound($"{type} of {app.Name} is not autoscaled: `paas autoscale -a {app.Name}` lists the policies");
        }

        if (await ledger.CurrentAsync(app.Id, cancellationToken).ConfigureAwait(false) is { Build: not null } current)
        {
            await ApplyFormationAsync(app, current, cancellationToken).ConfigureAwait(false);
        }

        logs?.Write(app.Name, "paas[api]", $"Autoscaling of {type} turned off");
    }

    /// <summary>The sentence of the 422 answered when the scheduler cannot autoscale.</summary>
    public static string AutoscaleUnsupported(PaasOptions options) =>
        $"autoscaling needs the Kubernetes scheduler (PAAS_SCHEDULER=kubernetes); this platform runs apps with the {options.Scheduler} scheduler";

    /// <summary>
    /// Restarts the app's processes (all, one type, or one process). When none runs at all (the app never came back after
    /// a restart of the platform, or its processes were lost), a restart starts the current release and formation instead,
    /// and says why when they cannot start.
    /// </summary>
    /// <exception cref="DomainException">409: the app has no build yet, or every type is scaled to 0.</exception>
    /// <exception cref="SchedulerUnavailableException">The processes cannot start now; the message says why.</exception>
    public async Task RestartAsync(App app, string? target, CancellationToken cancellationToken)
    {
        await using var held = (await locks.AcquireAsync(app.Id, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        if ((await scheduler.ListAsync(app.Name, cancellationToken).ConfigureAwait(false)).Count > 0)
        {
            await scheduler.RestartAsync(app.Name, target, cancellationToken).ConfigureAwait(false);
            await WaitForRoutersAsync(app, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (await ledger.CurrentAsync(app.Id, cancellationToken).ConfigureAwait(false) is not { Build: not null } current)
        {
            throw Problems.Conflict($"{app.Name} has no build yet, so nothing runs: git push or paas pull first");
        }

        var effective = await EffectiveFormationAsync(app, current.Build, cancellationToken).ConfigureAwait(false);
        if (effective.Values.All(count => count == 0))
        {
            throw Problems.Conflict($"{app.Name} runs no processes (every type is scaled to 0): paas scale web=1");
        }

        await ApplyFormationAsync(app, current, effective, cancellationToken).ConfigureAwait(false);
        if ((await scheduler.ListAsync(app.Name, cancellationToken).ConfigureAwait(false)).FirstOrDefault(p => p.State == ProcessState.Down && p.Reason is not null) is { } down)
        {
            throw new SchedulerUnavailableException($"{app.Name} cannot start: {down.Reason}", isTransient: true);
        }
    }

    public async Task DestroyAsync(App app, AppStore apps, CancellationToken cancellationToken)
    {
        await using var held = (await locks.AcquireAsync(app.Id, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        await scheduler.DestroyAsync(app.Name, cancellationToken).ConfigureAwait(false);
        await apps.DeleteAsync(app.Id, cancellationToken).ConfigureAwait(false);
        logs?.Delete(app.Name);
        foreach (var listener in destroyedListeners)
        {
            try
            {
                await listener.AppDestroyedAsync(app.Name, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogDestroyListenerFailed(logger, e, app.Name);
            }
        }
    }

    private async Task<Release> AppendAndDeployAsync(App app, Func<LedgerSnapshot, LedgerEntry> decide, CancellationToken cancellationToken)
    {
        await using var held = (await locks.AcquireAsync(app.Id, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        var release = await ledger.AppendAsync(app.Id, decide, cancellationToken).ConfigureAwait(false);
        LogReleased(logger, app.Name, release.Version, release.Summary);
        logs?.Write(app.Name, "paas[api]", $"Release v{release.Version} created by {release.CreatedBy}: {release.Summary}");
        if (release.State != ReleaseState.Pending || release.Build is null)
        {
            return release;
        }

        var effective = await EffectiveFormationAsync(app, release.Build, cancellationToken).ConfigureAwait(false);
        var spec = await specs.ForAsync(app, release, effective, cancellationToken).ConfigureAwait(false);

        DeployResult result;
        try
        {
            // The deploy must finish (or fail) even if the client goes away: the ledger records its outcome.
            result = await scheduler.DeployAsync(spec, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogSchedulerError(logger, e, app.Name, release.Version);
            result = DeployResult.Failure($"the scheduler failed: {e.Message}");
        }

        var state = result.Succeeded ? ReleaseState.Succeeded : ReleaseState.Failed;
        await ledger.CompleteAsync(release.Id, state, result.FailureReason, CancellationToken.None).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            LogDeployFailed(logger, app.Name, release.Version, result.FailureReason);
            logs?.Write(app.Name, "paas[api]", $"Release v{release.Version} failed to deploy: {result.FailureReason}");
            throw new DeployFailedException(release.Version, $"v{release.Version} was recorded but failed to deploy: {result.FailureReason}; {app.Name} keeps running its previous release");
        }

        await WaitForRoutersAsync(app, cancellationToken).ConfigureAwait(false);
        return release with { State = state };
    }

    /// <summary>A change of config, limits or health checks deploys when there is a build; before the first build there is nothing to run.</summary>
    private static ReleaseState StateAfterChange(Release @base) => @base.Build is null ? ReleaseState.Succeeded : ReleaseState.Pending;

    /// <summary>The formation for <paramref name="build"/>: stored counts, one web for new types (stored, so scale shows them).</summary>
    private async Task<IReadOnlyDictionary<string, int>> EffectiveFormationAsync(App app, Build build, CancellationToken cancellationToken)
    {
        var formation = await formations.GetAsync(app.Id, cancellationToken).ConfigureAwait(false);
        var effective = Formation.ForBuild(formation, build.ProcessTypes);
        if (effective.Any(kv => !formation.ContainsKey(kv.Key)))
        {
            await formations.SetAsync(app.Id, effective, cancellationToken).ConfigureAwait(false);
        }

        return effective;
    }

    /// <summary>Hands the current release with the app's formation and policies to the scheduler (under the app's lock).</summary>
    private async Task ApplyFormationAsync(App app, Release current, CancellationToken cancellationToken) =>
        await ApplyFormationAsync(app, current, await EffectiveFormationAsync(app, current.Build!, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>Hands the release and its effective formation to the scheduler, then waits for the routers (<see cref="WaitForRoutersAsync"/>).</summary>
    private async Task ApplyFormationAsync(App app, Release current, IReadOnlyDictionary<string, int> effective, CancellationToken cancellationToken)
    {
        await scheduler.ScaleAsync(await specs.ForAsync(app, current, effective, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        await WaitForRoutersAsync(app, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits (at most <see cref="RouteWait"/>) until the routers route to what now runs, so that success means reachable.</summary>
    private async Task WaitForRoutersAsync(App app, CancellationToken cancellationToken)
    {
        if (!await routes.PublishAndWaitAsync(RouteWait, cancellationToken).ConfigureAwait(false))
        {
            LogRoutersLate(logger, app.Name, RouteWait.TotalSeconds);
        }
    }

    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "{App} was destroyed, but a part could not drop what it kept for it")]
    private static partial void LogDestroyListenerFailed(ILogger logger, Exception exception, string app);

    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "The routers did not confirm the routes of {App} within {Seconds} s; reporting success anyway")]
    private static partial void LogRoutersLate(ILogger logger, string app, double seconds);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Release v{Version} of {App} created: {Summary}")]
    private static partial void LogReleased(ILogger logger, string app, int version, string summary);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Release v{Version} of {App} failed to deploy: {Reason}")]
    private static partial void LogDeployFailed(ILogger logger, string app, int version, string? reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "The scheduler threw while deploying v{Version} of {App}")]
    private static partial void LogSchedulerError(ILogger logger, Exception exception, string app, int version);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Scaled {App}: {Formation}")]
    private static partial void LogScaled(ILogger logger, string app, string formation);

    [LoggerMessage(EventId = 2005, Level = LogLevel.Information, Message = "Autoscaling {Type} of {App} between {Min} and {Max} processes at {CpuPercent}% CPU")]
    private static partial void LogAutoscaled(ILogger logger, string app, string type, int min, int max, int cpuPercent);
}

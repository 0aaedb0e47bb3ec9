using Microsoft.Extensions.Logging;
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
    IScheduler scheduler,
    AppLocks locks,
    ILogger<ReleaseService> logger,
    IAppLogStore? logs = null)
{
    public Task<Release> ChangeConfigAsync(App app, User user, IReadOnlyDictionary<string, string?> changes, CancellationToken cancellationToken) =>
        AppendAndDeployAsync(app, snapshot =>
        {
            var @base = snapshot.Base!;
            var change = ConfigChange.Apply(@base.Config, changes);
            if (change.IsEmpty)
            {
                throw Problems.Conflict($"nothing changed: {app.Name}'s config already has these values");
            }

            return new LedgerEntry(@base.Build, false, null, change.Values, ReleaseSummary.ConfigChanged(user.Username, change), user.Username, @base.Build is null ? ReleaseState.Succeeded : ReleaseState.Pending);
        }, cancellationToken);

    public Task<Release> DeployBuildAsync(App app, User user, Build build, CancellationToken cancellationToken) =>
        AppendAndDeployAsync(app, snapshot =>
        {
            var @base = snapshot.Base!;
            return new LedgerEntry(build, true, @base.ConfigId, @base.Config, ReleaseSummary.Deployed(user.Username, build.Sha, build.Image), user.Username, ReleaseState.Pending);
        }, cancellationToken);

    public Task<Release> RollbackAsync(App app, User user, int? version, CancellationToken cancellationToken) =>
        AppendAndDeployAsync(app, snapshot =>
        {
            var current = snapshot.Current ?? throw Problems.Invalid($"{app.Name} has no release to roll back from");
            var target = ReleaseLedger.ChooseRollbackTarget(app.Name, current, version, snapshot.Find, snapshot.PreviousSucceeded);
            return new LedgerEntry(target.Build, false, target.ConfigId, target.Config, ReleaseSummary.RolledBack(user.Username, target.Version), user.Username, ReleaseState.Pending);
        }, cancellationToken);

    public async Task<IReadOnlyDictionary<string, int>> ScaleAsync(App app, IReadOnlyDictionary<string, int> request, CancellationToken cancellationToken)
    {
        using var held = await locks.AcquireAsync(app.Id, cancellationToken).ConfigureAwait(false);
        var current = await ledger.CurrentAsync(app.Id, cancellationToken).ConfigureAwait(false);
        Formation.EnsureValidScale(app.Name, request, current?.Build?.ProcessTypes);
        var formation = await formations.SetAsync(app.Id, request, cancellationToken).ConfigureAwait(false);
        await scheduler.ScaleAsync(Spec(app, current!, formation), cancellationToken).ConfigureAwait(false);
        var counts = string.Join(' ', request.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));
        LogScaled(logger, app.Name, counts);
        logs?.Write(app.Name, "paas[api]", $"Scaled to {counts}");
        return formation;
    }

    public async Task RestartAsync(App app, string? target, CancellationToken cancellationToken)
    {
        using var held = await locks.AcquireAsync(app.Id, cancellationToken).ConfigureAwait(false);
        await scheduler.RestartAsync(app.Name, target, cancellationToken).ConfigureAwait(false);
    }

    public async Task DestroyAsync(App app, AppStore apps, CancellationToken cancellationToken)
    {
        using var held = await locks.AcquireAsync(app.Id, cancellationToken).ConfigureAwait(false);
        await scheduler.DestroyAsync(app.Name, cancellationToken).ConfigureAwait(false);
        await apps.DeleteAsync(app.Id, cancellationToken).ConfigureAwait(false);
        logs?.Delete(app.Name);
    }

    private async Task<Release> AppendAndDeployAsync(App app, Func<LedgerSnapshot, LedgerEntry> decide, CancellationToken cancellationToken)
    {
        using var held = await locks.AcquireAsync(app.Id, cancellationToken).ConfigureAwait(false);
        var release = await ledger.AppendAsync(app.Id, decide, cancellationToken).ConfigureAwait(false);
        LogReleased(logger, app.Name, release.Version, release.Summary);
        logs?.Write(app.Name, "paas[api]", $"Release v{release.Version} created by {release.CreatedBy}: {release.Summary}");
        if (release.State != ReleaseState.Pending || release.Build is null)
        {
            return release;
        }

        var formation = await formations.GetAsync(app.Id, cancellationToken).ConfigureAwait(false);
        var effective = Formation.ForBuild(formation, release.Build.ProcessTypes);
        if (effective.Any(kv => !formation.ContainsKey(kv.Key)))
        {
            await formations.SetAsync(app.Id, effective, cancellationToken).ConfigureAwait(false);
        }

        DeployResult result;
        try
        {
            // The deploy must finish (or fail) even if the client goes away: the ledger records its outcome.
            result = await scheduler.DeployAsync(Spec(app, release, effective), CancellationToken.None).ConfigureAwait(false);
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

        return release with { State = state };
    }

    private static DeploymentSpec Spec(App app, Release release, IReadOnlyDictionary<string, int> formation) =>
        new(app.Name, release.Version, release.Build!.Image, release.Config, release.Build.ProcessTypes, formation, release.Build.Sha);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Release v{Version} of {App} created: {Summary}")]
    private static partial void LogReleased(ILogger logger, string app, int version, string summary);

    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Release v{Version} of {App} failed to deploy: {Reason}")]
    private static partial void LogDeployFailed(ILogger logger, string app, int version, string? reason);

    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "The scheduler threw while deploying v{Version} of {App}")]
    private static partial void LogSchedulerError(ILogger logger, Exception exception, string app, int version);

    [LoggerMessage(EventId = 2004, Level = LogLevel.Information, Message = "Scaled {App}: {Formation}")]
    private static partial void LogScaled(ILogger logger, string app, string formation);
}

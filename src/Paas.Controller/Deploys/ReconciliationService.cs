using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Paas.Data;
using Paas.Domain;
using Paas.Scheduling;

namespace Paas.Controller;

/// <summary>
/// At start-up, after the migrations: releases left pending by a stop mid-deploy are marked failed (unless another
/// controller replica holds the app's lock, <see cref="AppDeployLocks"/>: that one is deploying it now), then what the
/// database says should run, runs. Each app's current release (when it has
/// a build) and formation is handed to <see cref="IScheduler.ReconcileAsync"/>, which starts what is missing and stops
/// what no app wants. Failures are logged and do not stop the platform: the API still serves, and the next deploy retries.
/// </summary>
internal sealed partial class ReconciliationService(
    AppStore apps,
    LedgerStore ledger,
    FormationStore formations,
    DeploymentSpecs specs,
    IScheduler scheduler,
    AppDeployLocks locks,
    ILogger<ReconciliationService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var all = await apps.ListAllAsync(cancellationToken).ConfigureAwait(false);
            var interrupted = 0;
            foreach (var app in all)
            {
                // A release is interrupted only if no replica is deploying it: whoever deploys holds the app's lock.
                var held = await locks.TryAcquireAsync(app.Id, cancellationToken).ConfigureAwait(false);
                if (held is not null)
                {
                    await using (held.ConfigureAwait(false))
                    {
                        interrupted += await ledger.FailPendingAsync(app.Id, "the platform stopped while this release was deploying; deploy again", cancellationToken).ConfigureAwait(false);
                    }
                }
            }

            if (interrupted > 0)
            {
                LogInterrupted(logger, interrupted);
            }

            var desired = new List<DeploymentSpec>();
            foreach (var app in all)
            {
                var current = await ledger.CurrentAsync(app.Id, cancellationToken).ConfigureAwait(false);
                if (current?.Build is not { } build)
                {
                    continue;
                }

                var formation = Formation.ForBuild(await formations.GetAsync(app.Id, cancellationToken).ConfigureAwait(false), build.ProcessTypes);
                desired.Add(await specs.ForAsync(app, current, formation, cancellationToken).ConfigureAwait(false));
            }

            await scheduler.ReconcileAsync(desired, cancellationToken).ConfigureAwait(false);
            LogReconciled(logger, desired.Count);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailed(logger, e);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Asked the scheduler to bring {Apps} apps back to their current release and formation; an app whose image cannot be pulled yet is tried again with back-off, and paas ps shows why it is down")]
    private static partial void LogReconciled(ILogger logger, int apps);

    [LoggerMessage(EventId = 2103, Level = LogLevel.Warning, Message = "{Count} releases were deploying when the platform stopped; they are marked failed")]
    private static partial void LogInterrupted(ILogger logger, int count);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Start-up reconciliation failed; apps run again at their next deploy")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

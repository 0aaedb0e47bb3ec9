using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Paas.Builder;

/// <summary>
/// For a builder in a process of its own: at start and then every <see cref="Interval"/>, deletes the repository and caches
/// of apps that no longer exist (<see cref="IExistingApps"/>). The folders are listed first and the apps asked second, so a
/// folder made after the question cannot be taken for a destroyed app's; an app that is building is left for the next sweep.
/// </summary>
internal sealed partial class DestroyedAppSweeper(IExistingApps apps, AppRepositories repositories, BuilderPaths paths, AppLocks locks, ILogger<DestroyedAppSweeper> logger) : BackgroundService
{
    /// <summary>How often the sweep runs: every hour.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    /// <summary>Runs one sweep.</summary>
    /// <returns>The apps whose folders were deleted.</returns>
    public async Task<IReadOnlyList<string>> SweepAsync(CancellationToken cancellationToken)
    {
        var seen = paths.AppFolderNames();
        var existing = await apps.ListAsync(cancellationToken).ConfigureAwait(false);
        var deleted = new List<string>();
        foreach (var app in seen.Where(a => !existing.Contains(a)))
        {
            using var claim = locks.TryAcquire(app);
            if (claim is null)
            {
                continue; // a push is building it: the app was made again, or the build is about to fail; next time
            }

            await repositories.DeleteAsync(app, cancellationToken).ConfigureAwait(false);
            deleted.Add(app);
        }

        if (deleted.Count > 0)
        {
            LogSwept(logger, deleted.Count, string.Join(", ", deleted));
        }

        return deleted;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SweepAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or IOException or UnauthorizedAccessException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                LogSweepFailed(logger, e);
            }

            try
            {
                await Task.Delay(Interval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(4012, LogLevel.Information, "Deleted the repositories and build caches of {Count} destroyed apps: {Apps}")]
    private static partial void LogSwept(ILogger logger, int count, string apps);

    [LoggerMessage(4013, LogLevel.Warning, "Could not sweep the folders of destroyed apps; trying again in an hour")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}

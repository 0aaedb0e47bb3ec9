using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Paas.Builder;

/// <summary>
/// Removes the quarantine folders that killed pushes leave in the app repositories. <c>git receive-pack</c> keeps a push's
/// objects in <c>objects/tmp_objdir-incoming-XXXXXX</c> (git 2.13 and later; <c>objects/incoming-XXXXXX</c> before) until the
/// pre-receive hook accepts them, and deletes it when it ends; a receive-pack killed because its client went away
/// (<see cref="GitCommand"/>) cannot, so the folder, up to a whole pack, stays (git's <c>git-receive-pack</c> documentation,
/// "QUARANTINE ENVIRONMENT"). A quarantine is removed when it is older than <see cref="BuilderOptions.QuarantineGracePeriod"/>
/// (its folder's last change, default 1 hour) and no receive-pack runs on its repository (<see cref="PushRegistry"/>).
/// The sweep runs at start and then every half grace period.
/// </summary>
/// <remarks>
/// No lease: unlike the controller's sweeps (<c>LeaseStore</c>), the repositories belong to one builder process, the one
/// holding their volume (the chart's builder is one pod with a ReadWriteOnce volume, replaced by <c>Recreate</c>), and only
/// that process knows which pushes are live.
/// </remarks>
internal sealed class QuarantineSweeper(BuilderPaths paths, PushRegistry pushes, IOptions<BuilderOptions> options, TimeProvider time, ILogger<QuarantineSweeper> logger)
    : BackgroundService
{
    /// <summary>The folder name patterns of git's push quarantines, newest git first.</summary>
    private static readonly string[] Patterns = ["tmp_objdir-incoming-*", "incoming-*"];

    /// <summary>Removes every abandoned quarantine now.</summary>
    /// <returns>The removed folders' paths.</returns>
    public IReadOnlyList<string> Sweep()
    {
        var removed = new List<string>();
        if (!Directory.Exists(paths.Repositories))
        {
            return removed;
        }

        var now = time.GetUtcNow();
        foreach (var repository in Directory.EnumerateDirectories(paths.Repositories, "*.git"))
        {
            var objects = Path.Combine(repository, "objects");
            if (pushes.IsReceiving(repository) || !Directory.Exists(objects))
            {
                continue;
            }

            foreach (var quarantine in Patterns.SelectMany(pattern => Directory.EnumerateDirectories(objects, pattern)))
            {
                var age = now - Directory.GetLastWriteTimeUtc(quarantine);
                if (age >= options.Value.QuarantineGracePeriod && TryDelete(quarantine))
                {
                    BuilderLog.QuarantineRemoved(logger, quarantine, age);
                    removed.Add(quarantine);
                }
            }
        }

        return removed;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.QuarantineGracePeriod / 2;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                Sweep();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                BuilderLog.QuarantineNotRemoved(logger, paths.Repositories, e.Message);
            }

            try
            {
                await Task.Delay(interval, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private bool TryDelete(string quarantine)
    {
        try
        {
            Directory.Delete(quarantine, recursive: true);
            return true;
        }
        catch (DirectoryNotFoundException)
        {
            return false; // git removed it meanwhile
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            BuilderLog.QuarantineNotRemoved(logger, quarantine, e.Message);
            return false;
        }
    }
}

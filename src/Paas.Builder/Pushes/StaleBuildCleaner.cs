using Microsoft.Extensions.Hosting;

namespace Paas.Builder;

/// <summary>
/// At start, deletes the push folders (<c>WORK_DIR/builds/*</c>) a stopped or crashed platform left behind, and, when root,
/// the work folders under TMPDIR whose data folder is gone (<see cref="BuilderPaths.OrphanedWorkDirs"/>).
/// </summary>
internal sealed class StaleBuildCleaner(BuilderPaths paths) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var builds = Path.GetDirectoryName(paths.Push("x"))!;
        if (Directory.Exists(builds))
        {
            foreach (var stale in Directory.EnumerateDirectories(builds))
            {
                try
                {
                    Directory.Delete(stale, recursive: true);
                }
                catch (IOException)
                {
                    // in use or vanishing: the next start tries again
                }
                catch (UnauthorizedAccessException)
                {
                    // idem
                }
            }
        }

        if (!string.Equals(paths.WorkDir, paths.DataDir, StringComparison.Ordinal))
        {
            foreach (var orphan in BuilderPaths.OrphanedWorkDirs())
            {
                try
                {
                    Directory.Delete(orphan, recursive: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // vanishing, or removed by another platform starting at the same time
                }
            }
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

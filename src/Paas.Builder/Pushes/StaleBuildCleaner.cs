using Microsoft.Extensions.Hosting;

namespace Paas.Builder;

/// <summary>At start, deletes the push folders (<c>DATA_DIR/builds/*</c>) a stopped or crashed platform left behind.</summary>
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

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using Paas.Scheduling.Local;

namespace ScaleBench;

/// <summary>Every image is the one slug folder the benchmark wrote (pulling is not what this benchmark measures).</summary>
internal sealed class FolderSlugSource(string appDirectory) : ISlugSource
{
    public Task<SlugResult> PrepareAsync(string app, string image, CancellationToken cancellationToken) => Task.FromResult(SlugResult.Ready(appDirectory));

    public Task PruneAsync(IReadOnlyCollection<string> inUse, CancellationToken cancellationToken) => Task.CompletedTask;
}

using System.Collections.Concurrent;
using Paas.Scheduling.Local;

namespace Paas.Scheduling.Tests.Fixtures;

/// <summary>The test seam for slugs: image references map to folders written by the test.</summary>
internal sealed class FixtureSlugSource : ISlugSource
{
    private readonly ConcurrentDictionary<string, string> _images = new(StringComparer.Ordinal);

    public List<IReadOnlyCollection<string>> Prunes { get; } = [];

    public void Add(string image, string appDirectory) => _images[image] = appDirectory;

    public Task<SlugResult> PrepareAsync(string app, string image, CancellationToken cancellationToken) =>
        Task.FromResult(_images.TryGetValue(image, out var dir) ? SlugResult.Ready(dir) : SlugResult.Failed($"no such image {image}"));

    public Task PruneAsync(IReadOnlyCollection<string> inUse, CancellationToken cancellationToken)
    {
        lock (Prunes)
        {
            Prunes.Add(inUse);
        }

        return Task.CompletedTask;
    }
}

using System.Collections.Concurrent;

namespace Paas.Scheduling.Local;

/// <summary>Marks an image as needed while a deploy or run prepares it, so a concurrent prune keeps its slug.</summary>
internal sealed class ImageLease(ConcurrentDictionary<string, int> leases, string image) : IDisposable
{
    public void Dispose()
    {
        if (leases.AddOrUpdate(image, 0, (_, n) => n - 1) <= 0)
        {
            leases.TryRemove(new KeyValuePair<string, int>(image, 0));
        }
    }
}

using System.Collections.Concurrent;

namespace Paas.Builder;

/// <summary>One build per app at a time: a second push while one builds is refused at once, not queued.</summary>
internal sealed class AppLocks
{
    private readonly ConcurrentDictionary<string, byte> _building = new(StringComparer.Ordinal);

    /// <summary>Claims <paramref name="app"/>; returns null when a build of it runs already.</summary>
    public IDisposable? TryAcquire(string app) => _building.TryAdd(app, 0) ? new Release(this, app) : null;

    private sealed class Release(AppLocks owner, string app) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                owner._building.TryRemove(app, out _);
            }
        }
    }
}

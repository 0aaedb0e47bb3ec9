using System.Collections.Concurrent;

namespace Paas.Controller;

/// <summary>
/// One lock per app, held while a release is appended and deployed, or while the app is scaled, restarted or
/// destroyed, so the scheduler sees an app's changes one at a time and in version order.
/// </summary>
/// <remarks>
/// In-process only: with several controller pods, two pods could deploy the same app at once (the ledger itself
/// stays consistent through its database lock). A PostgreSQL advisory lock per app would extend this across pods.
/// </remarks>
internal sealed class AppLocks
{
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    public async Task<IDisposable> AcquireAsync(string appId, CancellationToken cancellationToken)
    {
        var semaphore = _locks.GetOrAdd(appId, _ => new SemaphoreSlim(1, 1));
        await semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Releaser(semaphore);
    }

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}

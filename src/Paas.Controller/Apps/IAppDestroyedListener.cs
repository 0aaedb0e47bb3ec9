namespace Paas.Controller;

/// <summary>
/// Told when an app has been destroyed (its processes stopped and its rows deleted), so a part in the same process can drop
/// what it keeps under the app's name: the builder its git repository and build caches. Called under the app's deploy lock,
/// after the deletion; a listener that fails is logged and does not undo the destroy.
/// </summary>
public interface IAppDestroyedListener
{
    /// <summary>Drops what is kept for <paramref name="app"/>.</summary>
    /// <param name="app">The destroyed app's name (which may be taken again right after).</param>
    /// <param name="cancellationToken">Cancels the work.</param>
    /// <returns>A task that completes when done.</returns>
    Task AppDestroyedAsync(string app, CancellationToken cancellationToken);
}

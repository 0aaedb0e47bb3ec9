namespace Paas.Controller;

/// <summary>
/// Tells when the routers route to what the scheduler runs now, so that "deployed" means reachable: a push, a deploy, a
/// scale or a restart reports success once every router watching the controller's route stream has received the change
/// that holds the app's new processes (issue "The first hour", item 5).
/// </summary>
public interface IRoutePropagation
{
    /// <summary>Publishes the current routes now and waits until every watching router has received them.</summary>
    /// <param name="timeout">The longest wait; after it the call returns false (a router that is slow or gone must not block deploys).</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>True when every router has the routes (or none watches), false after <paramref name="timeout"/>.</returns>
    Task<bool> PublishAndWaitAsync(TimeSpan timeout, CancellationToken cancellationToken);
}

/// <summary>The <see cref="IRoutePropagation"/> of a controller without routers: nothing to wait for.</summary>
internal sealed class NoRoutePropagation : IRoutePropagation
{
    /// <inheritdoc />
    public Task<bool> PublishAndWaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => Task.FromResult(true);
}

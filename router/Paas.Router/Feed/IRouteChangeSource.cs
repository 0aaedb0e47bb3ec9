namespace Paas.Router.Feed;

/// <summary>
/// Where the router learns its routes: the controller's stream of changes. In one process the controller's own route log
/// implements it; across processes <see cref="HttpRouteChangeSource"/> reads the same events over HTTP.
/// </summary>
public interface IRouteChangeSource
{
    /// <summary>
    /// Streams the changes after <paramref name="fromVersion"/> of <paramref name="origin"/>: first a
    /// <see cref="RouteChangeType.Snapshot"/> when <paramref name="fromVersion"/> is 0, of another origin, or older than the
    /// changes the source keeps, then every change as it happens,
    /// with a <see cref="RouteChangeType.Bookmark"/> at least every 30 seconds when nothing changes. Ends only when
    /// cancelled or when the connection fails.
    /// </summary>
    /// <param name="origin">The <see cref="RouteChange.Origin"/> of the last change the caller applied; empty for none.</param>
    /// <param name="fromVersion">The last version the caller applied; 0 for none.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The changes, in version order.</returns>
    /// <exception cref="HttpRequestException">The controller cannot be reached or refused the request (remote source).</exception>
    IAsyncEnumerable<RouteChange> WatchAsync(string origin, long fromVersion, CancellationToken cancellationToken);
}

namespace Paas.Scheduling.Logs;

/// <summary>
/// The logs of every app (<c>paas logs</c>): what its processes print and the platform's events about it, kept per app in a
/// bounded store. Writers never block on readers.
/// </summary>
public interface IAppLogStore
{
    /// <summary>Appends a line, stamped now.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="source">The source: <c>app[web.1]</c>, <c>paas[api]</c>, <c>paas[scheduler]</c>.</param>
    /// <param name="message">The text; a trailing newline is removed.</param>
    void Write(string app, string source, string message);

    /// <summary>The last <paramref name="lines"/> lines of the app (<c>paas logs -n N -p TYPE</c>), oldest first.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="lines">How many, at most (capped at <see cref="MaxTail"/>).</param>
    /// <param name="process">A process type (<c>web</c>) or one process (<c>web.1</c>) to keep only its lines, or null.</param>
    /// <returns>The lines.</returns>
    IReadOnlyList<LogLine> Tail(string app, int lines, string? process = null);

    /// <summary>
    /// <c>paas logs -t</c>: the last <paramref name="lines"/> lines, then every new line as it is written, until
    /// <paramref name="cancellationToken"/> is cancelled (the enumeration then ends without throwing). No line is lost or
    /// repeated between the tail and the live part; a reader too slow to keep up loses the oldest unread lines.
    /// </summary>
    /// <param name="app">The app's name.</param>
    /// <param name="lines">How many past lines first.</param>
    /// <param name="process">The process filter, as for <see cref="Tail"/>.</param>
    /// <param name="cancellationToken">Ends the stream.</param>
    /// <returns>The lines.</returns>
    IAsyncEnumerable<LogLine> FollowAsync(string app, int lines, string? process, CancellationToken cancellationToken);

    /// <summary>Deletes the app's logs (when the app is destroyed).</summary>
    /// <param name="app">The app's name.</param>
    void Delete(string app);

    /// <summary>The most lines <see cref="Tail"/> returns (1500, as on Heroku).</summary>
    int MaxTail => 1500;
}

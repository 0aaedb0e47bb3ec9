namespace Paas.Builder;

/// <summary>
/// Receives one line per build event for the app's logs, Heroku style: "Build started by alice (commit 1a2b3c4)",
/// "Build succeeded: v7 in 3.1 s", "Build failed: REASON". The platform connects it to the app's log store; the default
/// drops the lines.
/// </summary>
public interface IBuildEventSink
{
    /// <summary>Records a build event.</summary>
    /// <param name="app">The app's name.</param>
    /// <param name="line">The event, one line.</param>
    void Write(string app, string line);
}

namespace Paas.Scheduling;

/// <summary>
/// The web endpoints of every app, for the router's route table. A runtime raises <see cref="Changed"/> after the set of
/// up web processes of an app changes (a deploy switched releases, a process came up, crashed or stopped); readers then
/// call <see cref="GetEndpoints"/> again. <see cref="Version"/> only grows, so a poller can tell whether anything changed.
/// </summary>
public interface IEndpointFeed
{
    /// <summary>A counter incremented on every change of any app's endpoints.</summary>
    long Version { get; }

    /// <summary>Raised after an app's endpoints changed, with the app's name; handlers must be quick and must not throw.</summary>
    event EventHandler<string>? Changed;

    /// <summary>The up web processes of <paramref name="app"/>, sorted by process name.</summary>
    /// <param name="app">The app's name.</param>
    /// <returns>The endpoints; empty when none is up.</returns>
    IReadOnlyList<AppEndpoint> GetEndpoints(string app);
}

namespace Paas.Builder;

/// <summary>A push whose <c>git receive-pack</c> is running; its pre-receive hook calls back with <see cref="Id"/> to build it.</summary>
/// <param name="Id">A random, unguessable id (the hook's only credential for the callback).</param>
/// <param name="App">The app's name.</param>
/// <param name="Username">Who pushes.</param>
/// <param name="Token">The pusher's API token; the build talks to the controller with it.</param>
/// <param name="Repository">The app's bare repository.</param>
/// <param name="Directory">The push's working folder (see <see cref="BuilderPaths"/>).</param>
internal sealed record PendingPush(string Id, string App, string Username, string Token, string Repository, string Directory);

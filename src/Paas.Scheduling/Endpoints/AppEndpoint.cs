namespace Paas.Scheduling;

/// <summary>One up web process the router may send requests to.</summary>
/// <param name="App">The app's name.</param>
/// <param name="Process">The process name, <c>web.1</c>.</param>
/// <param name="Release">The release version it runs.</param>
/// <param name="Host">The address it listens on (<c>127.0.0.1</c> for the local runtime).</param>
/// <param name="Port">The TCP port (its <c>PORT</c>).</param>
public sealed record AppEndpoint(string App, string Process, int Release, string Host, int Port);

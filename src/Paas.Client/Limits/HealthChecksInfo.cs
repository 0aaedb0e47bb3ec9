namespace Paas.Client;

/// <summary>An app's health checks, as <c>GET /v2/apps/{app}/healthchecks</c> answers: <c>{"app": "hello", "release": 6, "healthchecks": {"web": {...}}}</c>.</summary>
/// <param name="App">The app's name.</param>
/// <param name="Release">The version of the release these checks belong to (0 when none).</param>
/// <param name="Healthchecks">Process type to health check, sorted by type.</param>
public sealed record HealthChecksInfo(string App, int Release, IReadOnlyDictionary<string, HealthCheckInfo> Healthchecks);

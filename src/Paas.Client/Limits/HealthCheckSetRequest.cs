namespace Paas.Client;

/// <summary>
/// Body of <c>POST /v2/apps/{app}/healthchecks</c>: <c>{"type": "web", "path": "/health", "timeout_seconds": 2, "interval_seconds": 5, "failure_threshold": 3}</c>
/// sets (or replaces) the health check of one process type in a new release; omitted numbers take their defaults (2, 5, 3).
/// </summary>
/// <param name="Type">The process type (of the current build).</param>
/// <param name="Path">The path, starting with <c>/</c>, without spaces or control characters.</param>
/// <param name="TimeoutSeconds">How long one check may take (1-60; default 2).</param>
/// <param name="IntervalSeconds">Seconds between checks (1-300; default 5).</param>
/// <param name="FailureThreshold">Failed checks in a row before the process counts as not up (1-10; default 3).</param>
public sealed record HealthCheckSetRequest(string Type, string Path, int? TimeoutSeconds = null, int? IntervalSeconds = null, int? FailureThreshold = null);

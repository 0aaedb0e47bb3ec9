namespace Paas.Client;

/// <summary>
/// An HTTP health check of a process type: <c>{"path": "/health", "timeout_seconds": 2, "interval_seconds": 5, "failure_threshold": 3}</c>.
/// A process is up once <c>GET path</c> on its <c>PORT</c> answers 200-399 within the timeout.
/// </summary>
/// <param name="Path">The path, starting with <c>/</c>.</param>
/// <param name="TimeoutSeconds">How long one check may take (1-60).</param>
/// <param name="IntervalSeconds">Seconds between checks (1-300).</param>
/// <param name="FailureThreshold">Failed checks in a row before the process counts as not up (1-10).</param>
public sealed record HealthCheckInfo(string Path, int TimeoutSeconds, int IntervalSeconds, int FailureThreshold);

namespace Paas.Domain;

/// <summary>
/// An HTTP health check of a process type (<c>paas healthchecks:set web --path /health</c>): a process is up (receives
/// traffic) once <c>GET PATH</c> on its <c>PORT</c> answers a status from 200 to 399 within <paramref name="TimeoutSeconds"/>;
/// checked every <paramref name="IntervalSeconds"/>, and a process failing <paramref name="FailureThreshold"/> checks in a row
/// is taken out of the router's rotation (Kubernetes: a readiness probe, API reference "Probe").
/// </summary>
/// <param name="Path">The path, starting with <c>/</c>.</param>
/// <param name="TimeoutSeconds">How long one check may take (default 2).</param>
/// <param name="IntervalSeconds">Seconds between checks (default 5).</param>
/// <param name="FailureThreshold">Failed checks in a row before the process counts as not up (default 3).</param>
public sealed record HealthCheck(string Path, int TimeoutSeconds = 2, int IntervalSeconds = 5, int FailureThreshold = 3);

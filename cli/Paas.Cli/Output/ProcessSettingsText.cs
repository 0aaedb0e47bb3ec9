using Paas.Client;

namespace Paas.Cli.Output;

/// <summary>
/// The one-line forms of limits, health checks and autoscaling in <c>apps:info</c> and <c>releases:info</c>:
/// <c>Limits: web=512M/500m, worker=1G</c>, <c>Health checks: web GET /health</c>, <c>Autoscale: web 2-10 at 70% CPU</c>.
/// Lines with nothing to say are left out.
/// </summary>
internal static class ProcessSettingsText
{
    public static IEnumerable<KeyValuePair<string, string>> Fields(
        IReadOnlyDictionary<string, ProcessLimitsInfo>? limits,
        IReadOnlyDictionary<string, HealthCheckInfo>? checks,
        IReadOnlyDictionary<string, AutoscalePolicyInfo>? autoscale)
    {
        if (limits is { Count: > 0 })
        {
            yield return new("Limits", string.Join(", ", limits.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p =>
                $"{p.Key}={p.Value.Memory ?? "-"}" + (p.Value.Cpu is null ? "" : "/" + p.Value.Cpu + " cpu"))));
        }

        if (checks is { Count: > 0 })
        {
            yield return new("Health checks", string.Join(", ", checks.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} GET {p.Value.Path}")));
        }

        if (autoscale is { Count: > 0 })
        {
            yield return new("Autoscale", string.Join(", ", autoscale.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key} {p.Value.Min}-{p.Value.Max} at {p.Value.CpuPercent}% CPU")));
        }
    }
}

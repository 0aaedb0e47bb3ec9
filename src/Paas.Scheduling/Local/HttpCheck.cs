namespace Paas.Scheduling.Local;

/// <summary>An HTTP check a runtime makes of a web process at boot: <c>GET Path</c> on its <c>PORT</c> must answer below 400.</summary>
/// <param name="Path">The path, starting with <c>/</c>.</param>
/// <param name="Timeout">How long one check may take.</param>
/// <param name="Interval">The time between checks once the process accepts connections.</param>
internal sealed record HttpCheck(string Path, TimeSpan Timeout, TimeSpan Interval)
{
    /// <summary>
    /// The HTTP check a process of <paramref name="type"/> must pass at boot, or null (the rule the local runtime and podman
    /// share): the release's health check of the type (<see cref="DeploymentSpec.HealthChecks"/>: its path, timeout per
    /// check and interval between checks), else, for <c>web</c>, the older config var
    /// <see cref="LocalRuntimeOptions.HealthCheckPathConfigVar"/> (2 s per check, tried every 50 ms). Only web processes get
    /// a <c>PORT</c>, so only they can be checked.
    /// </summary>
    /// <param name="spec">The release.</param>
    /// <param name="type">The process type.</param>
    /// <returns>The check, or null for none.</returns>
    public static HttpCheck? For(DeploymentSpec spec, string type)
    {
        if (spec.HealthChecks.TryGetValue(type, out var check))
        {
            return new HttpCheck(check.Path, TimeSpan.FromSeconds(check.TimeoutSeconds), TimeSpan.FromSeconds(check.IntervalSeconds));
        }

        return type == "web" && spec.Config.TryGetValue(LocalRuntimeOptions.HealthCheckPathConfigVar, out var path) && path.StartsWith('/')
            ? new HttpCheck(path, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(50))
            : null;
    }
}

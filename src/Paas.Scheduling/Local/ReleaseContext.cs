using Paas.Scheduling.Logs;

namespace Paas.Scheduling.Local;

/// <summary>What every process of one release shares: its spec, unpacked slug and the runtime's services.</summary>
internal sealed record ReleaseContext(
    DeploymentSpec Spec,
    string AppDirectory,
    LocalRuntimeOptions Options,
    IAppLogStore Logs,
    ProcessRecords Records,
    Action<string> EndpointsChanged,
    AppUser? User = null)
{
    /// <summary>The boot timeout: the app's <see cref="LocalRuntimeOptions.BootTimeoutConfigVar"/> config var in seconds, or the default.</summary>
    public TimeSpan BootTimeout =>
        Spec.Config.TryGetValue(LocalRuntimeOptions.BootTimeoutConfigVar, out var text)
        && double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
        && seconds > 0
            ? TimeSpan.FromSeconds(seconds)
            : Options.BootTimeout;

    /// <summary>
    /// The HTTP check a process of <paramref name="type"/> must pass at boot, or null: the release's health check of the type
    /// (<see cref="DeploymentSpec.HealthChecks"/>: its path, timeout per check and interval between checks), else, for
    /// <c>web</c>, the older config var <see cref="LocalRuntimeOptions.HealthCheckPathConfigVar"/> (2 s per check, tried every
    /// 50 ms). Only web processes get a <c>PORT</c>, so only they can be checked here.
    /// </summary>
    /// <param name="type">The process type.</param>
    /// <returns>The check, or null for none.</returns>
    public HttpCheck? HealthCheckFor(string type)
    {
        if (Spec.HealthChecks.TryGetValue(type, out var check))
        {
            return new HttpCheck(check.Path, TimeSpan.FromSeconds(check.TimeoutSeconds), TimeSpan.FromSeconds(check.IntervalSeconds));
        }

        return type == "web" && Spec.Config.TryGetValue(LocalRuntimeOptions.HealthCheckPathConfigVar, out var path) && path.StartsWith('/')
            ? new HttpCheck(path, TimeSpan.FromSeconds(2), TimeSpan.FromMilliseconds(50))
            : null;
    }

    public void Event(string source, string message) => Logs.Write(Spec.App, source, message);
}

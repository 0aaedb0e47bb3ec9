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

    /// <summary>The HTTP health check path of web processes, or null.</summary>
    public string? HealthCheckPath =>
        Spec.Config.TryGetValue(LocalRuntimeOptions.HealthCheckPathConfigVar, out var path) && path.StartsWith('/') ? path : null;

    public void Event(string source, string message) => Logs.Write(Spec.App, source, message);
}

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
    /// <summary>The boot timeout: see <see cref="LocalRuntimeOptions.BootTimeoutFor"/>.</summary>
    public TimeSpan BootTimeout => Options.BootTimeoutFor(Spec);

    /// <summary>The HTTP check a process of <paramref name="type"/> must pass at boot, or null: see <see cref="HttpCheck.For"/>.</summary>
    /// <param name="type">The process type.</param>
    /// <returns>The check, or null for none.</returns>
    public HttpCheck? HealthCheckFor(string type) => HttpCheck.For(Spec, type);

    public void Event(string source, string message) => Logs.Write(Spec.App, source, message);
}

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
    SystemUser? User = null) : ISupervisedRelease
{
    /// <inheritdoc />
    public TimeSpan BootTimeout => Options.BootTimeoutFor(Spec);

    /// <inheritdoc />
    public HttpCheck? HealthCheckFor(string type) => HttpCheck.For(Spec, type);

    /// <inheritdoc />
    public void Event(string source, string message) => Logs.Write(Spec.App, source, message);
}

using Paas.Scheduling.Local;
using Paas.Scheduling.Logs;

namespace Paas.Scheduling.Podman;

/// <summary>
/// What every container of one release shares: its spec, its pulled image and the scheduler's services. A release rebuilt
/// from a container's labels after a paasd restart has no <see cref="Image"/> (and no config vars) until the controller's
/// reconcile gives the full spec; its containers are followed, not started again, until then.
/// </summary>
internal sealed record ContainerRelease(
    DeploymentSpec Spec,
    ImageFacts? Image,
    LocalRuntimeOptions Options,
    PodmanOptions Podman,
    PodmanCli Cli,
    IAppLogStore Logs,
    string Platform,
    Action<string> EndpointsChanged) : ISupervisedRelease
{
    /// <summary>
    /// The <c>PORT</c> of the release's web processes: the one port its image exposes (<see cref="ImagePorts.Web"/>), else
    /// <see cref="PodmanOptions.WebPort"/>.
    /// </summary>
    public int WebPort => Image?.ExposedPort ?? Podman.WebPort;

    /// <inheritdoc />
    public TimeSpan BootTimeout => Options.BootTimeoutFor(Spec);

    /// <inheritdoc />
    public HttpCheck? HealthCheckFor(string type) => HttpCheck.For(Spec, type);

    /// <inheritdoc />
    public void Event(string source, string message) => Logs.Write(Spec.App, source, message);
}

namespace Paas.Scheduling.Local;

/// <summary>
/// What the supervised processes of one release share, whatever runs them (the local runtime's <see cref="ReleaseContext"/>,
/// podman's container release): the spec, the runtime's settings and where events go.
/// </summary>
internal interface ISupervisedRelease
{
    /// <summary>The release and formation.</summary>
    DeploymentSpec Spec { get; }

    /// <summary>The runtime's settings (boot timeout, grace, back-off).</summary>
    LocalRuntimeOptions Options { get; }

    /// <summary>The boot timeout: see <see cref="LocalRuntimeOptions.BootTimeoutFor"/>.</summary>
    TimeSpan BootTimeout { get; }

    /// <summary>Told the app's name when one of its web processes comes up or goes down (the router's endpoints change).</summary>
    Action<string> EndpointsChanged { get; }

    /// <summary>The HTTP check a process of <paramref name="type"/> must pass at boot, or null: see <see cref="HttpCheck.For"/>.</summary>
    /// <param name="type">The process type.</param>
    /// <returns>The check, or null for none.</returns>
    HttpCheck? HealthCheckFor(string type);

    /// <summary>Writes a line to the app's logs.</summary>
    /// <param name="source">Its source (<c>paas[web.1]</c>, <c>app[web.1]</c>).</param>
    /// <param name="message">The line.</param>
    void Event(string source, string message);
}

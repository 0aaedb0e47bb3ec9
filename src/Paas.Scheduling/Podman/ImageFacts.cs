namespace Paas.Scheduling.Podman;

/// <summary>What the podman scheduler needs to know of a pulled image to start a process from it.</summary>
/// <param name="Reference">The reference it was pulled by, which containers are run from.</param>
/// <param name="Launcher">Whether its entrypoint is the platform's launcher (<see cref="PodmanOptions.LauncherPath"/>): the command is then its one argument; else it runs as <c>/bin/sh -c COMMAND</c>.</param>
/// <param name="SystemPath">The image's own <c>PATH</c> (its config's <c>Env</c>), which comes after the slug's folders.</param>
/// <param name="ExposedPort">The one TCP port the image exposes (<see cref="ImagePorts.Web"/>), or null.</param>
internal sealed record ImageFacts(string Reference, bool Launcher, string SystemPath, int? ExposedPort = null);

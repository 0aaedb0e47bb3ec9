using System.Security.Cryptography;
using System.Text;

namespace Paas.Scheduling.Podman;

/// <summary>
/// The labels on every container and network the podman scheduler makes (podman-run(1) <c>--label</c>), in one place. A
/// paasd that starts finds its containers by <see cref="Platform"/> and rebuilds what runs from the others.
/// </summary>
internal static class ContainerLabels
{
    /// <summary>The platform the container belongs to (<see cref="PodmanOptions.PlatformId"/>).</summary>
    public const string Platform = "io.paas.platform";

    /// <summary>The app's name.</summary>
    public const string App = "io.paas.app";

    /// <summary>The release version (<c>7</c>).</summary>
    public const string Release = "io.paas.release";

    /// <summary>The process name (<c>web.1</c>, <c>run.4821</c>).</summary>
    public const string Process = "io.paas.process";

    /// <summary>The process type (<c>web</c>; <c>run</c> for one-off processes).</summary>
    public const string Type = "io.paas.type";

    /// <summary>The image reference the release recorded (not the one pulled, which may name another registry host).</summary>
    public const string Image = "io.paas.image";

    /// <summary>The process type's command, for <c>paas ps</c> after a restart.</summary>
    public const string Command = "io.paas.command";

    /// <summary>The type of one-off processes, which a restarted paasd removes rather than adopts (their caller is gone).</summary>
    public const string RunType = Paas.Domain.ProcessTypes.OneOff;

    /// <summary>The network of an app's containers: <c>paas-APP</c>.</summary>
    /// <param name="app">The app's name.</param>
    /// <returns>The network name.</returns>
    public static string Network(string app) => "paas-" + app;

    /// <summary>The platform id when none is configured: <c>sha256(full path of the data folder)</c>, first 16 hex digits.</summary>
    /// <param name="dataDirectory">The data folder.</param>
    /// <returns>The id.</returns>
    public static string DefaultPlatformId(string dataDirectory) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataDirectory))))[..16];
}

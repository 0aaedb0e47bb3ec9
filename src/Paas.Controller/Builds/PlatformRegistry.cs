using System.Net;
using System.Net.NetworkInformation;

namespace Paas.Controller;

/// <summary>
/// Which image references name the platform's own registry, and the rule for deploying them: an image in the
/// platform's registry may be deployed only by someone who may pull its repository, the same rule the registry applies
/// (repository <c>APP</c> or <c>APP/...</c> belongs to app APP; pulling needs the <c>view</c> role on it). The platform
/// pulls its own registry with its service credential, so without this rule anyone could deploy, then read through
/// <c>paas run</c>, another app's image.
/// </summary>
/// <remarks>
/// A reference names the platform's registry when its host is the registry's address (<see cref="Authority"/>), or the
/// registry's port on any name of this machine: <c>localhost</c>, a loopback address, <c>0.0.0.0</c>, the host name or an
/// address of one of its interfaces. Such references are rewritten to <see cref="Authority"/>. A host that names the
/// registry by some other alias (a DNS name pointing here) is not recognized, but it gets nothing either: the platform
/// sends its credential only to <see cref="Authority"/>, and the registry refuses anonymous pulls.
/// </remarks>
/// <param name="registryUrl">The registry's base URL, resolved when asked (its port may be chosen at start).</param>
/// <param name="aliases">Other <c>host:port</c>s that reach it, e.g. the registry proxy nodes pull from (<c>PAAS_KUBERNETES_REGISTRY_HOST</c>).</param>
public sealed class PlatformRegistry(Func<string?> registryUrl, IReadOnlyList<string> aliases)
{
    /// <summary>The registry's <c>host:port</c> as the builder writes image references (e.g. <c>127.0.0.1:5000</c>), or null when there is none.</summary>
    public string? Authority => registryUrl() is { } url ? new Uri(url).Authority : null;

    /// <summary>Whether <paramref name="host"/> (from an image reference) is the platform's registry.</summary>
    /// <param name="host">The reference's host and port, e.g. <c>localhost:5000</c>; null (Docker Hub) is not.</param>
    /// <returns>Whether it is.</returns>
    public bool Names(string? host)
    {
        if (host is null || Authority is not { } authority)
        {
            return false;
        }

        if (string.Equals(host, authority, StringComparison.OrdinalIgnoreCase) || aliases.Contains(host, StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        var own = new Uri("http://" + authority);
        if (!Uri.TryCreate("http://" + host, UriKind.Absolute, out var given) || given.Port != own.Port)
        {
            return false;
        }

        var name = given.IdnHost.Trim('[', ']');
        if (string.Equals(name, "localhost", StringComparison.OrdinalIgnoreCase) || string.Equals(name, Environment.MachineName, StringComparison.OrdinalIgnoreCase)
            || string.Equals(name, Dns.GetHostName(), StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        if (!IPAddress.TryParse(name, out var address))
        {
            return false;
        }

        return IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || LocalAddresses().Contains(address);
    }

    private static HashSet<IPAddress> LocalAddresses()
    {
        try
        {
            return [.. NetworkInterface.GetAllNetworkInterfaces().SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(a => a.Address)];
        }
        catch (NetworkInformationException)
        {
            return [];
        }
    }
}

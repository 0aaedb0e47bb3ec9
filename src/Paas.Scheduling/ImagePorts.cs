using System.Globalization;

namespace Paas.Scheduling;

/// <summary>
/// The port an image's web process listens on, from its config's <c>ExposedPorts</c> (OCI image spec, "config":
/// keys <c>PORT/tcp</c>, <c>PORT/udp</c> or <c>PORT</c>, which means tcp; what a Dockerfile's <c>EXPOSE</c> writes). The
/// platform's rule, shared by the schedulers that run images: exactly one TCP port exposed makes it the web process's
/// <c>PORT</c> and the port traffic is routed to; none or several leave the scheduler's default (5000).
/// </summary>
public static class ImagePorts
{
    /// <summary>The one exposed TCP port, or null when the image exposes none or several.</summary>
    /// <param name="exposedPorts">The keys of the config's <c>ExposedPorts</c>, or null.</param>
    public static int? Web(IEnumerable<string>? exposedPorts)
    {
        var tcp = (exposedPorts ?? []).Select(Tcp).Where(p => p is not null).Distinct().ToList();
        return tcp.Count == 1 ? tcp[0] : null;
    }

    private static int? Tcp(string key)
    {
        var parts = key.Split('/', 2);
        var protocol = parts.Length == 2 ? parts[1] : "tcp";
        return string.Equals(protocol, "tcp", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536 ? port : null;
    }
}

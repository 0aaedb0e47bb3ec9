using System.Net;
using System.Net.Sockets;

namespace Paas.Scheduling.Local;

/// <summary>Free TCP ports on loopback for web processes.</summary>
internal static class FreePorts
{
    /// <summary>A port nothing listens on now (the kernel picks it; another program could take it before the process binds).</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

using System.Net;
using System.Net.Sockets;

namespace Paas.Testing;

/// <summary>Free TCP ports on 127.0.0.1 for servers a test starts (found by binding port 0; another program could take it before use, which is rare).</summary>
public static class LoopbackPort
{
    /// <summary>A port nothing listens on right now.</summary>
    /// <returns>The port number.</returns>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

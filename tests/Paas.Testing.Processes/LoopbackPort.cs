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

    /// <summary>
    /// <paramref name="count"/> distinct ports nothing listens on right now, found by holding each listener until all are
    /// found (ports found one after the other can repeat: the kernel may hand out a port again once it is released).
    /// </summary>
    /// <param name="count">How many.</param>
    /// <returns>The port numbers.</returns>
    public static int[] FreeDistinct(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }
}

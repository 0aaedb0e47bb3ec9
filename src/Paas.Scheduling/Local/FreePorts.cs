using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Paas.Scheduling.Local;

/// <summary>
/// Free TCP ports on loopback for processes that listen: web processes, and in the tests every server. They are taken
/// below the kernel's ephemeral range (<c>/proc/sys/net/ipv4/ip_local_port_range</c>, 32768-60999 by default), from
/// <see cref="Low"/> up, never from it. Podman publishes a container's port (<c>--publish 127.0.0.1::PORT</c>) on a port
/// of that range as a DNAT rule in the nat table's OUTPUT chain (CNI's <c>CNI-HOSTPORT-DNAT</c>), and the rule can outlive
/// any socket holding the port: a process the kernel later gives that port to listens, but connections to it go to the
/// container (refused, or another app's answer). Seen in CI as router tests failing at random next to the podman tests
/// (connections refused by listening Kestrel servers, on exactly the ports such rules named), and possible for web
/// processes on a machine that also runs podman containers. Ports below the range are never picked by podman or the
/// kernel. This file is also compiled into the tests' <c>LoopbackPort</c>, so both follow one rule.
/// </summary>
internal static class FreePorts
{
    /// <summary>The lowest port handed out: above the registered ports most services use (8080, 9000...), 20000.</summary>
    public const int Low = 20000;

    private static readonly Lazy<int> EphemeralLow = new(ReadEphemeralLow);

    /// <summary>
    /// A port nothing listens on now, below the ephemeral range (or, if that range starts below <see cref="Low"/> + 1000,
    /// one the kernel picks). Another program could take it before the caller binds it.
    /// </summary>
    /// <returns>The port.</returns>
    public static int Next() => Distinct(1)[0];

    /// <summary><paramref name="count"/> distinct ports nothing listens on now (each is held until all are found).</summary>
    /// <param name="count">How many, at least 1.</param>
    /// <returns>The ports.</returns>
    public static int[] Distinct(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            var high = EphemeralLow.Value;
            for (var attempt = 0; listeners.Count < count; attempt++)
            {
                var listener = new TcpListener(IPAddress.Loopback, high - Low >= 1000 && attempt < 200 ? Random.Shared.Next(Low, high) : 0);
                try
                {
                    listener.Start();
                    listeners.Add(listener);
                }
                catch (SocketException)
                {
                    listener.Dispose(); // in use: another one
                }
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }

    private static int ReadEphemeralLow()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 32768; // Linux's default; other systems' ranges start higher (49152)
        }
    }
}

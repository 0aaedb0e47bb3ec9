using System.Net;
using System.Net.Sockets;

namespace Paas.Router.Front;

/// <summary>
/// The router's plain-HTTP endpoint as Kestrel sees it: a type of its own, so that only
/// <see cref="FrontTransportFactory"/> binds it (Kestrel's socket transport binds <see cref="IPEndPoint"/>s).
/// </summary>
internal sealed class RouterHttpEndPoint(IPEndPoint address) : EndPoint
{
    /// <summary>The address and port to listen on (<see cref="IPAddress.IPv6Any"/>: every IPv4 and IPv6 address).</summary>
    public IPEndPoint Address { get; } = address;

    public override AddressFamily AddressFamily => Address.AddressFamily;

    public override string ToString() => Address.ToString();
}

using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Paas.Builder;

/// <summary>Where a part of this process can be called by this process: its host's first Kestrel address.</summary>
public static class ServerAddresses
{
    /// <summary>
    /// The first address <paramref name="services"/>' server listens on, with a wildcard host (<c>0.0.0.0</c>, <c>[::]</c>,
    /// <c>+</c>, <c>*</c>: no host a client can connect to, e.g. with <c>PAAS_LISTEN_ADDRESS=0.0.0.0</c> as in the platform
    /// image) made loopback: <c>http://0.0.0.0:5000</c> becomes <c>http://127.0.0.1:5000</c>.
    /// </summary>
    /// <param name="services">A started web host's services.</param>
    /// <returns>The address, or null when the host has none yet (not started).</returns>
    public static string? FirstConnectable(IServiceProvider services) =>
        (services.GetService(typeof(IServer)) as IServer)?.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()?
            .Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://[::]:", "://[::1]:", StringComparison.Ordinal)
            .Replace("://+:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://*:", "://127.0.0.1:", StringComparison.Ordinal);
}

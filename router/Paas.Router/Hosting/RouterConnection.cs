using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;

namespace Paas.Router.Hosting;

/// <summary>
/// Marks connections accepted on the router's listeners (a connection item set by Kestrel connection middleware),
/// so <c>UsePaasRouter</c> can tell router traffic from the host's other endpoints whatever the port numbers.
/// </summary>
internal static class RouterConnection
{
    public static readonly object Key = new();

    public static bool Is(HttpContext context) =>
        context.Features.Get<IConnectionItemsFeature>()?.Items.ContainsKey(Key) == true;
}

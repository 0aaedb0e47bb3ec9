using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Paas.Router.Front;

/// <summary>
/// Kestrel transport for the router's plain-HTTP port (<see cref="RouterHttpEndPoint"/> only): accepts the connections
/// itself and serves the common requests on the fast path (<see cref="FrontConnection"/>); the connections it hands
/// over come out of <see cref="FrontListener.AcceptAsync"/> into Kestrel's HTTP/1.1 server as usual.
/// The router's services are resolved at bind time, not when Kestrel is built (a host may register its log sink late).
/// </summary>
internal sealed class FrontTransportFactory(IServiceProvider services, ILoggerFactory loggerFactory) : IConnectionListenerFactory, IConnectionListenerFactorySelector
{
    public bool CanBind(EndPoint endpoint) => endpoint is RouterHttpEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default) =>
        endpoint is RouterHttpEndPoint router
            ? ValueTask.FromResult<IConnectionListener>(FrontListener.Bind(router, services.GetRequiredService<FrontServices>(), HandoffOptions(), loggerFactory))
            : throw new NotSupportedException($"{nameof(FrontTransportFactory)} binds only the router's HTTP endpoint, not {endpoint}.");

    /// <summary>
    /// Options for wrapping handed-over sockets, as Kestrel's socket transport makes them from
    /// <see cref="SocketTransportOptions"/>, including Kestrel's memory pool. The pool has no public setter
    /// (<c>SocketConnectionFactoryOptions.MemoryPoolFactory</c> is internal in ASP.NET Core 10) and is set by
    /// reflection: without it the connection uses <c>MemoryPool&lt;byte&gt;.Shared</c>, whose <c>Rent(0)</c> is an empty
    /// array (Kestrel's HTTP/1.1 response writer then hands out empty spans) and whose arrays are not kept for the
    /// hundreds of 4 KiB blocks a streamed upload cycles through (a 100 MB upload allocated 84 MB).
    /// Throws <see cref="InvalidOperationException"/> at bind time if a future ASP.NET Core drops the property.
    /// </summary>
    private SocketConnectionFactoryOptions HandoffOptions()
    {
        var transport = services.GetService<IOptions<SocketTransportOptions>>()?.Value ?? new SocketTransportOptions();
        var options = new SocketConnectionFactoryOptions
        {
            IOQueueCount = transport.IOQueueCount,
            WaitForDataBeforeAllocatingBuffer = transport.WaitForDataBeforeAllocatingBuffer,
            MaxReadBufferSize = transport.MaxReadBufferSize,
            MaxWriteBufferSize = transport.MaxWriteBufferSize,
            UnsafePreferInlineScheduling = transport.UnsafePreferInlineScheduling,
        };
        var poolFactory = services.GetService<IMemoryPoolFactory<byte>>();
        var property = typeof(SocketConnectionFactoryOptions).GetProperty("MemoryPoolFactory", BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        if (poolFactory is null || property is null || !property.CanWrite || !property.PropertyType.IsInstanceOfType(poolFactory))
        {
            throw new InvalidOperationException(
                "Kestrel's memory pool cannot be given to the router's plain-HTTP transport in this ASP.NET Core version; set Paas:Router:PlainHttpFastPath to false.");
        }

        property.SetValue(options, poolFactory);
        return options;
    }
}

using System.Net;
using System.Net.Sockets;
using Paas.Router.Routing;
using Paas.Router.Tests.Infrastructure;

namespace Paas.Router.Tests.Pipeline;

public sealed class ConnectTimeoutTests
{
    [Fact]
    public async Task A_backend_that_never_accepts_is_a_504_with_h19_after_the_apps_connect_timeout()
    {
        // A listener whose accept queue is full: the kernel drops further SYNs, so connecting hangs.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var address = (IPEndPoint)listener.LocalEndPoint!;
        var fillers = new List<Socket>();
        for (var i = 0; i < 4; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _ = filler.ConnectAsync(address);
            fillers.Add(filler);
        }

        await Task.Delay(200);
        await using var router = await RouterServer.StartAsync(new RouteTable(
        [
            new AppRoute("stuck", [], [new RouteEndpoint($"127.0.0.1:{address.Port}", "web.1")])
            {
                Timeouts = new RouteTimeouts(Connect: TimeSpan.FromMilliseconds(500)),
            },
        ], []));
        using var client = router.CreateClient();

        var started = DateTime.UtcNow;
        using var response = await client.GetAsync("http://stuck.paas.test/");
        var elapsed = DateTime.UtcNow - started;

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.InRange(elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(4));
        Assert.Contains("code=H19", Assert.Single(router.Log.WaitFor("stuck")), StringComparison.Ordinal);
        fillers.ForEach(f => f.Dispose());
    }
}

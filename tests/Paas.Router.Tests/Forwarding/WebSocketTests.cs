using System.Net.WebSockets;
using System.Text;
using Paas.Router.Routing;
using Paas.Router.Tests.Infrastructure;

namespace Paas.Router.Tests.Forwarding;

public sealed class WebSocketTests
{
    [Theory]
    [InlineData("ws")]
    [InlineData("wss")]
    public async Task A_websocket_echoes_through_the_router(string scheme)
    {
        await using var backend = await Backend.StartAsync("A");
        await using var router = await RouterServer.StartAsync(new RouteTable([new AppRoute("alpha", [], [new RouteEndpoint(backend.Address, "web.1")])], []));
        using var invoker = new HttpMessageInvoker(router.CreateHandler());
        using var socket = new ClientWebSocket();
        var ct = TestContext.Current.CancellationToken;

        await socket.ConnectAsync(new Uri($"{scheme}://alpha.paas.test/ws"), invoker, ct);
        var buffer = new byte[1024];
        for (var i = 0; i < 5; i++)
        {
            var message = Encoding.UTF8.GetBytes($"message {i}");
            await socket.SendAsync(message, WebSocketMessageType.Text, true, ct);
            var received = await socket.ReceiveAsync(buffer, ct);
            Assert.Equal($"message {i}", Encoding.UTF8.GetString(buffer, 0, received.Count));
        }

        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", ct);
        Assert.Equal(WebSocketState.Closed, socket.State);
    }

    [Fact]
    public async Task A_websocket_over_http2_extended_connect_echoes_through_an_http11_backend()
    {
        await using var backend = await Backend.StartAsync("A");
        await using var router = await RouterServer.StartAsync(new RouteTable([new AppRoute("alpha", [], [new RouteEndpoint(backend.Address, "web.1")])], []));
        using var invoker = new HttpMessageInvoker(router.CreateHandler());
        using var socket = new ClientWebSocket();
        socket.Options.HttpVersion = System.Net.HttpVersion.Version20;
        socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        socket.Options.CollectHttpResponseDetails = true;
        var ct = TestContext.Current.CancellationToken;

        await socket.ConnectAsync(new Uri("wss://alpha.paas.test/ws"), invoker, ct);
        var buffer = new byte[1024];
        await socket.SendAsync(Encoding.UTF8.GetBytes("over h2"), WebSocketMessageType.Text, true, ct);
        var received = await socket.ReceiveAsync(buffer, ct);

        Assert.Equal("over h2", Encoding.UTF8.GetString(buffer, 0, received.Count));
        Assert.Equal(System.Net.HttpStatusCode.OK, socket.HttpStatusCode); // 200 on an HTTP/2 stream, not 101
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", ct);
    }

    [Fact]
    public async Task Websockets_past_the_upgraded_connection_cap_are_refused_and_the_open_one_keeps_working()
    {
        await using var backend = await Backend.StartAsync("A");
        await using var router = await RouterServer.StartAsync(
            new RouteTable([new AppRoute("alpha", [], [new RouteEndpoint(backend.Address, "web.1")])], []),
            settings: new Dictionary<string, string?> { ["Paas:Router:MaxConcurrentUpgradedConnections"] = "1" });
        using var invoker = new HttpMessageInvoker(router.CreateHandler());
        var ct = TestContext.Current.CancellationToken;
        using var first = new ClientWebSocket();
        await first.ConnectAsync(new Uri("ws://alpha.paas.test/ws"), invoker, ct);

        using var second = new ClientWebSocket();
        await Assert.ThrowsAnyAsync<Exception>(() => second.ConnectAsync(new Uri("ws://alpha.paas.test/ws"), invoker, ct));

        var buffer = new byte[64];
        await first.SendAsync(Encoding.UTF8.GetBytes("still here"), WebSocketMessageType.Text, true, ct);
        var received = await first.ReceiveAsync(buffer, ct);
        Assert.Equal("still here", Encoding.UTF8.GetString(buffer, 0, received.Count));
        await first.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", ct);
    }
}

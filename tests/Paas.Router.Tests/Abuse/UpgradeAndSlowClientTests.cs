using System.Net;
using System.Net.Sockets;
using System.Text;
using Paas.Router.Routing;
using Paas.Router.Tests.Infrastructure;

namespace Paas.Router.Tests.Abuse;

/// <summary>Tunnels the router must not open and clients that must not hold it: h2c, other upgrades, slowloris.</summary>
public sealed class UpgradeAndSlowClientTests
{
    private const string Host = "Host: alpha.paas.test\r\n";

    private static Task<RouterServer> RouterFor(Backend backend, IReadOnlyDictionary<string, string?>? settings = null) =>
        RouterServer.StartAsync(new RouteTable([new AppRoute("alpha", [], [new RouteEndpoint(backend.Address, "web.1")])], []), settings: settings);

    [Theory]
    [InlineData("h2c", "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n")]
    [InlineData("SPDY/3.1", "Connection: Upgrade\r\nUpgrade: SPDY/3.1\r\n")]
    [InlineData("foo", "Connection: Upgrade\r\nUpgrade: foo\r\n")]
    public async Task An_upgrade_other_than_websocket_is_served_as_plain_http_and_never_tunnelled(string protocol, string headers)
    {
        await using var backend = await Backend.StartAsync("A");
        await using var router = await RouterFor(backend);

        // After the answer the client speaks HTTP/1.1 again on the same connection: no tunnel was opened.
        string answer;
        try
        {
            answer = await RawClient.ExchangeAsync(router.HttpPort, "GET /headers HTTP/1.1\r\n" + Host + headers + "\r\n" + "GET /hello HTTP/1.1\r\n" + Host + "\r\n");
        }
        catch (SocketException e)
        {
            throw new InvalidOperationException($"{protocol}: no connection to the router on {router.HttpPort}: {e.Message}\n{router.Diagnostics.Dump()}\nbackend on {backend.Port}: {backend.Diagnostics()}", e);
        }

        Assert.True(RawClient.Statuses(answer) is [200, 200], $"{protocol}: {answer}\nrouter lines: {string.Join(" | ", router.Log.For("alpha"))}\n{router.Diagnostics.Dump()}");
        Assert.DoesNotContain("101", answer.Split("\r\n")[0], StringComparison.Ordinal);
        var json = answer[answer.IndexOf('{', StringComparison.Ordinal)..(answer.IndexOf('}', StringComparison.Ordinal) + 1)];
        var seen = Backend.ParseHeaders(json);
        Assert.False(seen.ContainsKey("Upgrade"));
        Assert.False(seen.ContainsKey("HTTP2-Settings"));
        Assert.Equal("127.0.0.1", seen["X-Forwarded-For"]);
        Assert.Equal(2, backend.Requests);
        Assert.Equal(2, router.Log.WaitFor("alpha", 2).Length);
    }

    [Fact]
    public async Task A_client_sending_its_head_a_byte_at_a_time_is_cut_at_the_request_headers_timeout()
    {
        await using var backend = await Backend.StartAsync("A");
        await using var router = await RouterFor(backend, new Dictionary<string, string?> { ["Paas:Router:RequestHeadersTimeout"] = "00:00:02" });
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, router.HttpPort);
        var head = Encoding.ASCII.GetBytes("GET /hello HTTP/1.1\r\n" + Host + "X-Slow: " + new string('s', 200));
        var started = DateTime.UtcNow;

        var closedAfter = TimeSpan.Zero;
        for (var i = 0; i < head.Length; i++)
        {
            try
            {
                await socket.SendAsync(head.AsMemory(i, 1));
            }
            catch (SocketException)
            {
                closedAfter = DateTime.UtcNow - started;
                break;
            }

            if (socket.Poll(0, SelectMode.SelectRead))
            {
                closedAfter = DateTime.UtcNow - started;
                break;
            }

            await Task.Delay(100);
        }

        var answer = await RawClient.ReadAsync(socket, TimeSpan.FromSeconds(1));
        Assert.InRange(closedAfter, TimeSpan.FromSeconds(1.5), TimeSpan.FromSeconds(6));
        Assert.True(answer.Length == 0 || RawClient.Statuses(answer) is [408], answer);
        Assert.Equal(0, backend.Requests);
    }

    [Fact]
    public async Task Connections_past_the_cap_are_closed_at_once()
    {
        await using var backend = await Backend.StartAsync("A");
        await using var router = await RouterFor(backend, new Dictionary<string, string?> { ["Paas:Router:MaxConcurrentConnections"] = "3" });
        var held = new List<Socket>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
                await socket.ConnectAsync(IPAddress.Loopback, router.HttpPort);
                held.Add(socket);
            }

            await Task.Delay(200);
            var answer = await RawClient.ExchangeAsync(router.HttpPort, "GET /hello HTTP/1.1\r\n" + Host + "\r\n");

            Assert.Equal(string.Empty, answer);
            Assert.Equal(0, backend.Requests);
        }
        finally
        {
            held.ForEach(s => s.Dispose());
        }

        await Task.Delay(200);
        Assert.True(RawClient.Statuses(await RawClient.ExchangeAsync(router.HttpPort, "GET /hello HTTP/1.1\r\n" + Host + "\r\n")) is [200]);
    }

    [Fact]
    public async Task A_quote_or_control_character_in_the_target_cannot_break_the_router_line()
    {
        await using var backend = await Backend.StartAsync("A");
        await using var router = await RouterFor(backend);

        var answer = await RawClient.ExchangeAsync(router.HttpPort, "GET /a\"b\\c\x7f?q=\"x HTTP/1.1\r\n" + Host + "\r\n");

        Assert.True(RawClient.Statuses(answer) is [404], answer);
        var line = Assert.Single(router.Log.WaitFor("alpha"));
        Assert.Contains("path=\"/a%22b%5Cc%7F?q=%22x\" host=alpha.paas.test", line, StringComparison.Ordinal);
        Assert.Equal(1, backend.Requests);
    }
}

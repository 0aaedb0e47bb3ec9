using System.Net;
using System.Net.Sockets;
using System.Text;
using Paas.Router.Routing;
using Paas.Router.Tests.Infrastructure;

namespace Paas.Router.Tests.Front;

/// <summary>The plain-HTTP fast path and its hand-over to Kestrel on the same connection.</summary>
public sealed class FastPathTests
{
    /// <summary>The router's event loops on (the default) and off (the .NET socket engine serves the same sockets).</summary>
    public static TheoryData<string> EventLoopSettings => ["default", "0"];

    private static IReadOnlyDictionary<string, string?>? Loops(string eventLoopThreads) =>
        eventLoopThreads == "default" ? null : new Dictionary<string, string?> { ["Paas:Router:EventLoopThreads"] = eventLoopThreads };

    private static Task<RouterServer> RouterFor(string address, IReadOnlyDictionary<string, string?>? settings = null) =>
        RouterServer.StartAsync(new RouteTable([new AppRoute("alpha", [], [new RouteEndpoint(address, "web.1")])], []), settings: settings);

    private static async Task<NetworkStream> ConnectAsync(RouterServer router)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, router.HttpPort);
        return new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>Reads until <paramref name="done"/> holds for what arrived (or the connection closes); 10 s at most.</summary>
    private static async Task<string> ReadUntilAsync(NetworkStream stream, Func<string, bool> done)
    {
        var text = new StringBuilder();
        var buffer = new byte[16 * 1024];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!done(text.ToString()))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            if (read == 0)
            {
                break;
            }

            text.Append(Encoding.Latin1.GetString(buffer, 0, read));
        }

        return text.ToString();
    }

    private static Task WriteAsync(NetworkStream stream, string text) => stream.WriteAsync(Encoding.Latin1.GetBytes(text)).AsTask();

    [Theory]
    [MemberData(nameof(EventLoopSettings))]
    public async Task A_connection_handed_to_kestrel_midway_keeps_its_requests_in_order(string eventLoopThreads)
    {
        await using var backend = await Backend.StartAsync("A");
        await using var router = await RouterFor(backend.Address, Loops(eventLoopThreads));
        await using var stream = await ConnectAsync(router);

        // 1. An ordinary request: the fast path.
        await WriteAsync(stream, "GET /hello HTTP/1.1\r\nHost: alpha.paas.test\r\n\r\n");
        var first = await ReadUntilAsync(stream, t => t.Contains("hello from A", StringComparison.Ordinal) && t.EndsWith("\r\n", StringComparison.Ordinal));

        // 2. A chunked upload (handed over, with the bytes already read) and, in the same write, another request.
        await WriteAsync(stream,
            "POST /upload HTTP/1.1\r\nHost: alpha.paas.test\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
            + "GET /hello HTTP/1.1\r\nHost: alpha.paas.test\r\n\r\n");
        var rest = await ReadUntilAsync(stream, t => t.Split("hello from A").Length == 2 && t.EndsWith("\r\n", StringComparison.Ordinal));

        Assert.StartsWith("HTTP/1.1 200", first, StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 200", rest, StringComparison.Ordinal);
        var upload = rest.IndexOf("11", rest.IndexOf("\r\n\r\n", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.InRange(upload, 0, rest.IndexOf("hello from A", StringComparison.Ordinal));
        Assert.Equal(2, rest.Split("HTTP/1.1 200").Length - 1);
        Assert.Equal(3, backend.Requests);
    }

    [Fact]
    public async Task A_malformed_head_after_a_served_request_gets_kestrels_400()
    {
        await using var backend = await Backend.StartAsync("A");
        await using var router = await RouterFor(backend.Address);
        await using var stream = await ConnectAsync(router);

        await WriteAsync(stream, "GET /hello HTTP/1.1\r\nHost: alpha.paas.test\r\n\r\n");
        await ReadUntilAsync(stream, t => t.Contains("hello from A", StringComparison.Ordinal) && t.EndsWith("\r\n", StringComparison.Ordinal));
        await WriteAsync(stream, "GET /hello HTTP/1.1\r\nHost : alpha.paas.test\r\n\r\n");
        var answer = await ReadUntilAsync(stream, _ => false);

        Assert.StartsWith("HTTP/1.1 400", answer, StringComparison.Ordinal);
        Assert.Equal(1, backend.Requests);
    }

    [Theory]
    [MemberData(nameof(EventLoopSettings))]
    public async Task Connection_close_from_the_client_is_answered_with_close_and_the_backend_connection_kept(string eventLoopThreads)
    {
        await using var backend = await Backend.StartAsync("A");
        await using var router = await RouterFor(backend.Address, Loops(eventLoopThreads));
        for (var i = 0; i < 3; i++)
        {
            await using var stream = await ConnectAsync(router);
            await WriteAsync(stream, "GET /headers HTTP/1.1\r\nHost: alpha.paas.test\r\nConnection: close\r\nX-Forwarded-For: 10.1.2.3\r\n\r\n");
            var answer = await ReadUntilAsync(stream, _ => false); // until the router closes

            Assert.StartsWith("HTTP/1.1 200", answer, StringComparison.Ordinal);
            Assert.Contains("\r\nConnection: close\r\n", answer, StringComparison.Ordinal);
            Assert.DoesNotContain("Keep-Alive", answer, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("Proxy-Connection", answer, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("\"X-Forwarded-For\":\"10.1.2.3, 127.0.0.1\"", answer, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("\"Connection\"", answer, StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(1, backend.Connections);
    }

    [Fact]
    public async Task With_the_fast_path_off_kestrel_serves_plain_http_the_same_way()
    {
        await using var backend = await Backend.StartAsync("A");
        await using var router = await RouterFor(backend.Address, new Dictionary<string, string?> { ["Paas:Router:PlainHttpFastPath"] = "false" });
        using var client = router.CreateClient();

        Assert.Equal("hello from A", await client.GetStringAsync("http://alpha.paas.test/hello"));
        var line = Assert.Single(router.Log.For("alpha"));
        Assert.StartsWith("at=info method=GET path=\"/hello\"", line, StringComparison.Ordinal);
    }
}

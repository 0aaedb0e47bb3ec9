using System.Net;
using System.Net.Sockets;
using System.Text;
using Paas.Router.Routing;
using Paas.Router.Tests.Infrastructure;

namespace Paas.Router.Tests.Forwarding;

/// <summary>The HTTP/1.1 exchange with the backend, byte for byte: framing, keep-alive and stale connections.</summary>
public sealed class Http1ExchangeTests
{
    private static Task<RouterServer> RouterFor(string address) =>
        RouterServer.StartAsync(new RouteTable([new AppRoute("alpha", [], [new RouteEndpoint(address, "web.1")])], []));

    /// <summary>Serves every request on a connection with <paramref name="respond"/>(head) until the router closes it.</summary>
    private static RawBackend KeepAlive(Func<string, string> respond) => RawBackend.Start(async connection =>
    {
        while (await connection.ReadHeadAsync() is { } head)
        {
            await connection.WriteAsync(respond(head));
        }
    });

    [Fact]
    public async Task A_chunked_response_with_extensions_and_trailers_is_decoded_and_the_connection_reused()
    {
        await using var backend = KeepAlive(_ =>
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
            + "5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Checksum: 42\r\n\r\n");
        await using var router = await RouterFor(backend.Address);
        using var client = router.CreateClient();

        Assert.Equal("hello world", await client.GetStringAsync("http://alpha.paas.test/a"));
        Assert.Equal("hello world", await client.GetStringAsync("http://alpha.paas.test/b"));

        Assert.Equal(1, backend.Connections);
    }

    [Fact]
    public async Task A_chunked_request_body_is_streamed_chunked_to_the_backend()
    {
        await using var backend = RawBackend.Start(async connection =>
        {
            while (await connection.ReadHeadAsync() is { } head)
            {
                Assert.Contains("Transfer-Encoding: chunked", head, StringComparison.OrdinalIgnoreCase);
                var body = await connection.ReadChunkedAsync();
                await connection.WriteAsync($"HTTP/1.1 200 OK\r\nContent-Length: {body.Length}\r\n\r\n{body}");
            }
        });
        await using var router = await RouterFor(backend.Address);
        using var client = router.CreateClient();
        var text = string.Concat(Enumerable.Range(0, 5000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

        using var content = new StreamContent(new MemoryStream(Encoding.ASCII.GetBytes(text)));
        using var request = new HttpRequestMessage(HttpMethod.Post, "http://alpha.paas.test/echo") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        using var response = await client.SendAsync(request);

        Assert.Equal(text, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_backend_that_closes_an_idle_pooled_connection_is_not_sent_the_next_request()
    {
        // Answers one request per connection, keep-alive, then closes it shortly after (as Node's 5 s keepAliveTimeout does).
        await using var backend = RawBackend.Start(async connection =>
        {
            if (await connection.ReadHeadAsync() is not null)
            {
                await connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                await Task.Delay(100);
            }
        });
        await using var router = await RouterFor(backend.Address);
        using var client = router.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            using var response = await client.PostAsync("http://alpha.paas.test/", new StringContent("x"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            await Task.Delay(300);
        }

        Assert.Equal(3, backend.Connections);
    }

    [Fact]
    public async Task A_stale_pooled_connection_is_retried_once_for_an_idempotent_request_only()
    {
        // Each connection answers its first request, then drops the second without a byte (the race nothing can see coming).
        await using var backend = RawBackend.Start(async connection =>
        {
            if (await connection.ReadHeadAsync() is not null)
            {
                await connection.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
                await connection.ReadHeadAsync();
            }
        });
        await using var router = await RouterFor(backend.Address);
        using var client = router.CreateClient();

        Assert.Equal("ok", await client.GetStringAsync("http://alpha.paas.test/1"));
        Assert.Equal("ok", await client.GetStringAsync("http://alpha.paas.test/2"));
        using var post = await client.PostAsync("http://alpha.paas.test/3", new StringContent("x"));

        Assert.Equal(HttpStatusCode.BadGateway, post.StatusCode);
        static bool H13(string l) => l.Contains("code=H13", StringComparison.Ordinal) && l.Contains("method=POST", StringComparison.Ordinal);
        Assert.Contains(router.Log.WaitFor("alpha", H13), H13);
        Assert.Equal(2, backend.Connections);
    }

    [Fact]
    public async Task Connection_close_from_the_backend_ends_that_connection_and_from_the_client_only_the_clients()
    {
        await using var backend = KeepAlive(head => head.Contains("/close", StringComparison.Ordinal)
            ? "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 5\r\n\r\nclose"
            : "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nkept");
        await using var router = await RouterFor(backend.Address);
        using var client = router.CreateClient();

        using var closed = await client.GetAsync("http://alpha.paas.test/close");
        Assert.Equal("close", await closed.Content.ReadAsStringAsync());
        Assert.False(closed.Headers.ConnectionClose == true, "the backend's Connection header leaked to the client");
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://alpha.paas.test/kept");
        request.Headers.ConnectionClose = true;
        using var kept = await client.SendAsync(request);
        Assert.Equal("kept", await kept.Content.ReadAsStringAsync());
        Assert.True(kept.Headers.ConnectionClose);
        Assert.Equal("kept", await client.GetStringAsync("http://alpha.paas.test/kept"));

        Assert.Equal(2, backend.Connections);
        Assert.All(backend.Requests, r => Assert.DoesNotContain("Connection:", r, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Connection_close_from_the_client_is_answered_with_close_and_the_backend_connection_kept()
    {
        await using var backend = await Backend.StartAsync("A");
        await using var router = await RouterFor(backend.Address);
        for (var i = 0; i < 3; i++)
        {
            // RawClient reads until the router closes the connection.
            var answer = await Abuse.RawClient.ExchangeAsync(router.HttpPort,
                "GET /headers HTTP/1.1\r\nHost: alpha.paas.test\r\nConnection: close\r\nX-Forwarded-For: 10.1.2.3\r\n\r\n", TimeSpan.FromSeconds(5));

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
    public async Task Head_204_and_304_responses_have_no_body_and_keep_the_connection()
    {
        await using var backend = KeepAlive(head => head.StartsWith("HEAD", StringComparison.Ordinal)
                ? "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: text/plain\r\n\r\n"
            : head.Contains("/204", StringComparison.Ordinal) ? "HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n"
            : head.Contains("/304", StringComparison.Ordinal) ? "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n"
            : "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbody");
        await using var router = await RouterFor(backend.Address);
        using var client = router.CreateClient();

        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "http://alpha.paas.test/"));
        Assert.Equal(1000, head.Content.Headers.ContentLength);
        using var noContent = await client.GetAsync("http://alpha.paas.test/204");
        Assert.Equal(HttpStatusCode.NoContent, noContent.StatusCode);
        Assert.Equal("1", noContent.Headers.GetValues("X-A").Single());
        using var notModified = await client.GetAsync("http://alpha.paas.test/304");
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Equal("\"v1\"", notModified.Headers.ETag!.Tag);
        Assert.Equal("body", await client.GetStringAsync("http://alpha.paas.test/"));

        Assert.Equal(1, backend.Connections);
    }

    [Fact]
    public async Task A_response_delimited_by_close_and_interim_1xx_responses_are_handled()
    {
        await using var backend = RawBackend.Start(async connection =>
        {
            var head = await connection.ReadHeadAsync();
            if (head!.Contains("/early", StringComparison.Ordinal))
            {
                await connection.WriteAsync("HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhints");
                await connection.ReadHeadAsync();
                return;
            }

            await connection.WriteAsync("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil ");
            await Task.Delay(100);
            await connection.WriteAsync("close");
        });
        await using var router = await RouterFor(backend.Address);
        using var client = router.CreateClient();

        Assert.Equal("until close", await client.GetStringAsync("http://alpha.paas.test/eof"));
        Assert.Equal("hints", await client.GetStringAsync("http://alpha.paas.test/early"));
    }

    [Fact]
    public async Task Expect_100_continue_uploads_go_through()
    {
        await using var backend = await Backend.StartAsync("A");
        await using var router = await RouterFor(backend.Address);
        using var client = router.CreateClient();
        var body = new byte[300_000];

        using var request = new HttpRequestMessage(HttpMethod.Post, "http://alpha.paas.test/upload") { Content = new ByteArrayContent(body) };
        request.Headers.ExpectContinue = true;
        using var response = await client.SendAsync(request);

        Assert.Equal("300000", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Large_request_and_response_headers_go_through()
    {
        var big = new string('r', 24_000);
        var bigResponse = new string('s', 60_000);
        await using var backend = KeepAlive(head => head.Contains(big, StringComparison.Ordinal)
            ? $"HTTP/1.1 200 OK\r\nX-Big: {bigResponse}\r\nContent-Length: 2\r\n\r\nok"
            : "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
        await using var router = await RouterFor(backend.Address);
        using var client = router.CreateClient();

        using var request = new HttpRequestMessage(HttpMethod.Get, "http://alpha.paas.test/");
        request.Headers.TryAddWithoutValidation("X-Big", big);
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(bigResponse, response.Headers.GetValues("X-Big").Single());
    }

    [Fact]
    public async Task Repeated_response_headers_are_all_kept_and_a_malformed_response_is_a_502()
    {
        await using var backend = KeepAlive(head => head.Contains("/bad", StringComparison.Ordinal)
            ? "HTTP/1.1 OK\r\n\r\n"
            : "HTTP/1.1 200 OK\r\nSet-Cookie: a=1\r\nSet-Cookie: b=2\r\nContent-Length: 0\r\n\r\n");
        await using var router = await RouterFor(backend.Address);
        using var client = router.CreateClient();

        using var cookies = await client.GetAsync("http://alpha.paas.test/");
        using var bad = await client.GetAsync("http://alpha.paas.test/bad");

        Assert.Equal(["a=1", "b=2"], cookies.Headers.GetValues("Set-Cookie"));
        Assert.Equal(HttpStatusCode.BadGateway, bad.StatusCode);
    }

    [Fact]
    public async Task Pipelined_client_requests_are_answered_in_order()
    {
        await using var backend = await Backend.StartAsync("A");
        await using var router = await RouterFor(backend.Address);
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, router.HttpPort);
        await using var stream = new NetworkStream(socket);

        var one = "GET /hello HTTP/1.1\r\nHost: alpha.paas.test\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(one + one + one.Replace("GET /hello", "GET /slow?ms=10", StringComparison.Ordinal) + one));
        var text = new StringBuilder();
        var buffer = new byte[8192];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (CountOf(text.ToString(), "HTTP/1.1 200") < 4)
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.NotEqual(0, read);
            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var all = text.ToString();
        Assert.True(all.IndexOf("slow from A", StringComparison.Ordinal) > all.LastIndexOf("hello from A", all.IndexOf("slow from A", StringComparison.Ordinal), StringComparison.Ordinal));
        Assert.Equal(3, CountOf(all, "hello from A"));
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}

using Microsoft.Extensions.Logging;
using Paas.Router.Routing;
using Paas.Router.Tests.Infrastructure;

namespace Paas.Router.Tests.Abuse;

/// <summary>
/// Request smuggling and malformed framing against the router as paasd hosts it (Kestrel + YARP), from a raw socket.
/// Each case states the exact answers the client gets and how many requests the app behind saw: the app never sees a
/// request the router did not frame itself (RFC 9112 sections 6 and 11.2).
/// </summary>
public sealed class SmugglingTests
{
    private const string Host = "Host: alpha.paas.test\r\n";
    private const string Smuggled = "GET /hello HTTP/1.1\r\n" + Host + "\r\n";

    private static async Task<(Backend Backend, RouterServer Router)> StartAsync()
    {
        var backend = await Backend.StartAsync("A");
        var router = await RouterServer.StartAsync(new RouteTable([new AppRoute("alpha", [], [new RouteEndpoint(backend.Address, "web.1")])], []));
        return (backend, router);
    }

    /// <summary>Raw request, the statuses answered in order, the requests the backend saw.</summary>
    public static TheoryData<string, string, int[], int> Cases => new()
    {
        // CL.TE: a front end going by Content-Length would pass "0\r\n\r\nGET /hello..." as one body. Kestrel goes by
        // Transfer-Encoding (RFC 9112 section 6.3, item 3), forwards the empty chunked body without the Content-Length,
        // answers with Connection: close and closes: the bytes after the body are never read as a request.
        { "CL.TE", "POST /upload HTTP/1.1\r\n" + Host + "Content-Length: 51\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + Smuggled, [200], 1 },
        // TE.CL: the other way round; the chunk holding "GET /hello..." is body, never a request.
        { "TE.CL", "POST /upload HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n2e\r\n" + Smuggled + "\r\n0\r\n\r\n" + Smuggled, [200], 1 },
        // A transfer coding other than chunked last: the length is unknown, 400 (RFC 9112 section 6.3, item 4).
        { "TE xchunked", "POST /upload HTTP/1.1\r\n" + Host + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n" + Smuggled, [400], 0 },
        { "TE chunked, identity", "POST /upload HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n" + Smuggled, [400], 0 },
        // Whitespace before the colon is forbidden (RFC 9112 section 5.1).
        { "TE space before colon", "POST /upload HTTP/1.1\r\n" + Host + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n" + Smuggled, [400], 0 },
        // Tab as the optional whitespace is valid: chunked, and the second request is an ordinary pipelined one.
        { "TE with a tab", "POST /upload HTTP/1.1\r\n" + Host + "Transfer-Encoding:\tchunked\t\r\n\r\n0\r\n\r\n" + Smuggled, [200, 200], 2 },
        { "duplicate Content-Length", "POST /upload HTTP/1.1\r\n" + Host + "Content-Length: 0\r\nContent-Length: 44\r\n\r\n" + Smuggled, [400], 0 },
        { "Content-Length list", "POST /upload HTTP/1.1\r\n" + Host + "Content-Length: 0, 44\r\n\r\n" + Smuggled, [400], 0 },
        // Line folding (obs-fold) is refused in requests (RFC 9112 section 5.2).
        { "obs-fold", "GET /hello HTTP/1.1\r\n" + Host + "X-Folded: a\r\n b\r\n\r\n", [400], 0 },
        // A bare LF ends a line (RFC 9112 section 2.2 allows it): answered at once, forwarded with CRLF as any request.
        { "bare LF", "GET /hello HTTP/1.1\n" + Host.Replace("\r", string.Empty, StringComparison.Ordinal) + "\n", [200], 1 },
        { "NUL in a header", "GET /hello HTTP/1.1\r\n" + Host + "X-Nul: a\0b\r\n\r\n", [400], 0 },
        { "overlong head", "GET /hello HTTP/1.1\r\n" + Host + "X-Big: " + new string('a', 40 * 1024) + "\r\n\r\n", [431], 0 },
        { "two Host headers", "GET /hello HTTP/1.1\r\n" + Host + Host + "\r\n", [400], 0 },
        // Absolute-form target (RFC 9112 section 3.2.2): its authority must be the Host, or it would route by one and log another.
        { "absolute-form against Host", "GET http://beta.paas.test/hello HTTP/1.1\r\n" + Host + "\r\n", [400], 0 },
        { "absolute-form matching Host", "GET http://alpha.paas.test/hello HTTP/1.1\r\n" + Host + "\r\n", [200], 1 },
        // Trailers after a chunked body are read and the request goes through.
        { "request trailers", "POST /upload HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Checksum: 1\r\n\r\n", [200], 1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Malformed_or_ambiguous_framing_gets_exactly_its_answer(string name, string request, int[] statuses, int backendRequests)
    {
        var (backend, router) = await StartAsync();
        await using var backendScope = backend;
        await using var routerScope = router;

        var answer = await RawClient.ExchangeAsync(router.HttpPort, request);

        Assert.True(statuses.SequenceEqual(RawClient.Statuses(answer)), $"{name}: answered {string.Join(",", RawClient.Statuses(answer))}: {answer[..Math.Min(answer.Length, 300)]}");
        Assert.Equal(backendRequests, backend.Requests);
    }

    [Theory]
    [InlineData("zz")]
    [InlineData("ffffffffffffffffffff")]
    [InlineData("5 ; ext=\"unterminated")]
    [InlineData("-1")]
    public async Task A_bad_or_overflowing_chunk_size_is_a_400_with_no_stack_trace_and_no_complete_request_at_the_app(string size)
    {
        var (backend, router) = await StartAsync();
        await using var backendScope = backend;
        await using var routerScope = router;

        var answer = await RawClient.ExchangeAsync(router.HttpPort, "POST /upload HTTP/1.1\r\n" + Host + "Transfer-Encoding: chunked\r\n\r\n" + size + "\r\nhello\r\n0\r\n\r\n");

        Assert.True(RawClient.Statuses(answer) is [400], $"answered '{answer}'; router lines: {string.Join(" | ", router.Log.For("alpha"))}; {router.Diagnostics.Dump()}");
        // The router forwards the head before the body arrives (it streams bodies), so the app may see the head of the
        // request; it never gets a complete body, and the connection to it is cut.
        Assert.InRange(backend.Requests, 0, 1);
        Assert.Equal(0, backend.Uploads);
        Assert.DoesNotContain(router.Diagnostics.Entries, e => e.Exception is not null && e.Level >= LogLevel.Information);
        Assert.Contains("code=H26", Assert.Single(router.Log.WaitFor("alpha")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_response_with_both_transfer_encoding_and_content_length_is_not_relayed_with_both()
    {
        await using var rogue = RawBackend.Start(async connection =>
        {
            while (await connection.ReadHeadAsync() is not null)
            {
                await connection.WriteAsync("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            }
        });
        await using var router = await RouterServer.StartAsync(new RouteTable([new AppRoute("alpha", [], [new RouteEndpoint(rogue.Address, "web.1")])], []));

        var answer = await RawClient.ExchangeAsync(router.HttpPort, "GET /a HTTP/1.1\r\n" + Host + "\r\n");

        var head = answer[..answer.IndexOf("\r\n\r\n", StringComparison.Ordinal)];
        Assert.Equal([200], RawClient.Statuses(answer));
        Assert.DoesNotContain("Content-Length", head, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Transfer-Encoding: chunked", head, StringComparison.OrdinalIgnoreCase);
        Assert.EndsWith("\r\n\r\n5\r\nhello\r\n0\r\n\r\n", answer, StringComparison.Ordinal);
        Assert.Single(rogue.Requests);
    }
}

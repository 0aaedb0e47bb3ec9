using System.Text;
using Paas.Router.Front;
using static Paas.Router.Front.Http1RequestHead;

namespace Paas.Router.Tests.Front;

/// <summary>The fast path's request head parser: the ordinary case parsed, everything unusual left to Kestrel.</summary>
public sealed class Http1RequestHeadTests
{
    private static (ParseResult Result, Http1RequestHead Head, byte[] Bytes) Parse(string text)
    {
        var bytes = Encoding.Latin1.GetBytes(text);
        var head = new Http1RequestHead();
        return (head.Parse(bytes, 16 * 1024), head, bytes);
    }

    [Fact]
    public void An_ordinary_request_is_parsed_with_what_the_router_replaces_marked()
    {
        var (result, head, bytes) = Parse(
            "POST /a/b?c=d HTTP/1.1\r\nHost: app.paas.test:8080\r\nContent-Length: 3\r\nX-Forwarded-For: 10.0.0.1\r\n"
            + "X-Request-Id: abcdefghijklmnopqrstuvwxyz\r\nVia: 1.0 corp\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\nAccept: */*\r\n\r\nabc");

        Assert.Equal(ParseResult.Ok, result);
        Assert.Equal(bytes.Length - 3, head.HeadLength);
        Assert.Equal("POST", head.MethodText(bytes));
        Assert.Equal("/a/b?c=d", Encoding.ASCII.GetString(bytes, head.TargetStart, head.TargetLength));
        Assert.Equal("app.paas.test:8080", Encoding.ASCII.GetString(bytes.AsSpan()[head.Host]));
        Assert.Equal(3, head.ContentLength);
        Assert.Equal("10.0.0.1", Encoding.ASCII.GetString(bytes.AsSpan()[head.ForwardedFor!.Value]));
        Assert.Equal("abcdefghijklmnopqrstuvwxyz", Encoding.ASCII.GetString(bytes.AsSpan()[head.RequestId!.Value]));
        Assert.Equal("1.0 corp", Encoding.ASCII.GetString(bytes.AsSpan()[head.Via!.Value]));
        Assert.False(head.Close);
        Assert.False(head.IsIdempotent);
        var forwarded = head.Lines.ToArray().Where(l => l.Forward).Select(l => Encoding.ASCII.GetString(bytes, l.Start, l.Length)).ToArray();
        Assert.Equal(["Host: app.paas.test:8080\r\n", "Content-Length: 3\r\n", "Accept: */*\r\n"], forwarded);
    }

    [Fact]
    public void Connection_close_is_noted_and_an_incomplete_head_needs_more()
    {
        var (result, head, _) = Parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: Close\r\n\r\n");
        Assert.Equal(ParseResult.Ok, result);
        Assert.True(head.Close);
        Assert.True(head.IsIdempotent);

        Assert.Equal(ParseResult.NeedMore, Parse("GET / HTTP/1.1\r\nHost: a\r\n").Result);
        Assert.Equal(ParseResult.NeedMore, Parse("GET / HTTP/1.1\r\nHost: a\r\n\r").Result);
    }

    [Theory]
    [InlineData("GET / HTTP/1.0\r\nHost: a\r\n\r\n")] // HTTP/1.0: keep-alive and framing rules differ
    [InlineData("GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n")] // absolute form
    [InlineData("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n")] // asterisk form
    [InlineData("CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\n\r\n")] // no Host
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a/b\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1, 1\r\n\r\nx")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")] // smuggling shape
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n")]
    [InlineData("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nConnection: X-Secret\r\nX-Secret: 1\r\n\r\n")] // names a header to drop
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX-Forwarded-For: 1.1.1.1\r\nX-Forwarded-For: 2.2.2.2\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nVia: 1.0 a\r\nVia: 1.0 b\r\n\r\n")]
    [InlineData("GET / HTTP/1.1\r\nHost : a\r\n\r\n")] // space before the colon
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n")] // obs-fold
    [InlineData("GET / HTTP/1.1\nHost: a\r\n\r\n")] // bare LF
    [InlineData("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n")] // bare CR
    [InlineData("GET / HTTP/1.1\r\nHost: a\r\nX: a\u0000b\r\n\r\n")] // NUL
    [InlineData("GET /\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n")] // non-ASCII target
    [InlineData("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n")] // leading empty line
    [InlineData("G(T / HTTP/1.1\r\nHost: a\r\n\r\n")] // not a token
    public void Anything_unusual_is_left_to_kestrel(string text) => Assert.Equal(ParseResult.Unsupported, Parse(text).Result);

    [Fact]
    public void A_head_larger_than_the_limit_is_left_to_kestrel()
    {
        var big = "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + new string('x', 20_000) + "\r\n\r\n";
        Assert.Equal(ParseResult.Unsupported, Parse(big).Result);
        Assert.Equal(ParseResult.Unsupported, Parse(big[..17_000]).Result);
    }

    [Fact]
    public void Two_request_ids_mean_none_is_kept()
    {
        var (result, head, _) = Parse("GET / HTTP/1.1\r\nHost: a\r\nX-Request-Id: aaaaaaaaaaaaaaaaaaaaaa\r\nX-Request-Id: bbbbbbbbbbbbbbbbbbbbbbbb\r\n\r\n");
        Assert.Equal(ParseResult.Ok, result);
        Assert.Null(head.RequestId);
    }
}

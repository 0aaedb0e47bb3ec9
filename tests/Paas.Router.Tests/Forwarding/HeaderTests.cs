using Paas.Router.Pipeline;
using Paas.Router.Routing;
using Paas.Router.Tests.Infrastructure;

namespace Paas.Router.Tests.Forwarding;

public sealed class HeaderTests
{
    private static async Task<(Backend Backend, RouterServer Router)> StartAsync()
    {
        var backend = await Backend.StartAsync("A");
        var router = await RouterServer.StartAsync(new RouteTable([new AppRoute("alpha", [], [new RouteEndpoint(backend.Address, "web.1")])], []));
        return (backend, router);
    }

    [Fact]
    public async Task The_heroku_request_headers_are_set()
    {
        var (backend, router) = await StartAsync();
        await using var backendScope = backend;
        await using var routerScope = router;
        using var client = router.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://alpha.paas.test/headers");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.7");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Port", "1");
        request.Headers.TryAddWithoutValidation("X-Request-Start", "1");
        request.Headers.TryAddWithoutValidation("Via", "1.1 upstream");
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        using var response = await client.SendAsync(request);
        var headers = Backend.ParseHeaders(await response.Content.ReadAsStringAsync());

        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Equal("203.0.113.7, 127.0.0.1", headers["X-Forwarded-For"]);
        Assert.Equal("http", headers["X-Forwarded-Proto"]);
        Assert.Equal(router.HttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), headers["X-Forwarded-Port"]);
        Assert.Equal("alpha.paas.test", headers["Host"]);
        Assert.False(headers.ContainsKey("X-Forwarded-Host"), "the router sends Heroku's set, which has no X-Forwarded-Host");
        Assert.InRange(long.Parse(headers["X-Request-Start"], System.Globalization.CultureInfo.InvariantCulture), before - 5, after + 5);
        Assert.Equal("1.1 upstream, 1.1 paas-router", headers["Via"]);
        Assert.True(Guid.TryParse(headers["X-Request-Id"], out _));
        bool Logged(string l) => l.Contains("request_id=" + headers["X-Request-Id"], StringComparison.Ordinal);
        Assert.Contains(router.Log.WaitFor("alpha", Logged), Logged);
    }

    [Fact]
    public async Task A_valid_request_id_is_kept_and_an_invalid_one_replaced()
    {
        var (backend, router) = await StartAsync();
        await using var backendScope = backend;
        await using var routerScope = router;
        using var client = router.CreateClient();

        var valid = "abcdefghij_KLMNOP-0123+/=";
        var kept = await SendWithRequestId(client, valid);
        var tooShort = await SendWithRequestId(client, "short");
        var badChars = await SendWithRequestId(client, "this id has spaces and is long enough");

        Assert.Equal(valid, kept);
        Assert.True(Guid.TryParse(tooShort, out _));
        Assert.True(Guid.TryParse(badChars, out _));
        Assert.False(RequestIds.IsValid(new string('a', 201)));
        Assert.True(RequestIds.IsValid(new string('a', 200)));
        var ids = Enumerable.Range(0, 1000).Select(_ => RequestIds.NewId()).ToHashSet();
        Assert.Equal(1000, ids.Count);
        Assert.All(ids, id => Assert.Equal(4, id.Version));
        Assert.All(ids, id => Assert.Equal(0b10, id.Variant >> 2));
    }

    [Fact]
    public async Task Hop_by_hop_headers_are_removed_both_ways()
    {
        var (backend, router) = await StartAsync();
        await using var backendScope = backend;
        await using var routerScope = router;
        using var client = router.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://alpha.paas.test/headers");
        request.Headers.Connection.Add("X-Secret");
        request.Headers.TryAddWithoutValidation("X-Secret", "s3cret");
        request.Headers.TryAddWithoutValidation("Keep-Alive", "timeout=5");
        request.Headers.TryAddWithoutValidation("Proxy-Connection", "keep-alive");
        request.Headers.TryAddWithoutValidation("Proxy-Authorization", "Basic Zm9vOmJhcg==");
        request.Headers.TryAddWithoutValidation("TE", "trailers");
        request.Headers.TryAddWithoutValidation("X-Kept", "yes");

        using var response = await client.SendAsync(request);
        var headers = Backend.ParseHeaders(await response.Content.ReadAsStringAsync());

        Assert.Equal("yes", headers["X-Kept"]);
        foreach (var name in new[] { "X-Secret", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "TE", "Transfer-Encoding" })
        {
            Assert.False(headers.ContainsKey(name), name + " reached the backend");
        }

        Assert.Equal("A", response.Headers.GetValues("X-Backend").Single());
        Assert.False(response.Headers.Contains("Keep-Alive"));
        Assert.False(response.Headers.Contains("Proxy-Connection"));
    }

    [Fact]
    public async Task Client_claims_of_address_host_and_tls_and_underscore_names_do_not_reach_the_app()
    {
        var (backend, router) = await StartAsync();
        await using var backendScope = backend;
        await using var routerScope = router;

        var answer = await Abuse.RawClient.ExchangeAsync(router.HttpPort,
            "GET /headers HTTP/1.1\r\nHost: alpha.paas.test\r\nForwarded: for=203.0.113.9;proto=https\r\nX-Real-IP: 203.0.113.9\r\n"
            + "X-Forwarded-Host: evil.example\r\nX-Forwarded-Ssl: on\r\nX_Forwarded_For: 203.0.113.9\r\nX-Under_Score: 1\r\nX-Kept: yes\r\n\r\n");
        var headers = Backend.ParseHeaders(answer[answer.IndexOf('{', StringComparison.Ordinal)..(answer.LastIndexOf('}') + 1)]);

        Assert.Equal("yes", headers["X-Kept"]);
        Assert.Equal("alpha.paas.test", headers["Host"]);
        Assert.Equal("127.0.0.1", headers["X-Forwarded-For"]);
        foreach (var name in new[] { "Forwarded", "X-Real-IP", "X-Forwarded-Host", "X-Forwarded-Ssl", "X_Forwarded_For", "X-Under_Score" })
        {
            Assert.False(headers.ContainsKey(name), name + " reached the backend");
        }
    }

    private static async Task<string> SendWithRequestId(HttpClient client, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://alpha.paas.test/headers");
        request.Headers.TryAddWithoutValidation("X-Request-Id", id);
        using var response = await client.SendAsync(request);
        return Backend.ParseHeaders(await response.Content.ReadAsStringAsync())["X-Request-Id"];
    }
}

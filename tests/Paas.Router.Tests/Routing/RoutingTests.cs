using System.Net;
using Paas.Router.Routing;
using Paas.Router.Tests.Infrastructure;

namespace Paas.Router.Tests.Routing;

public sealed class RoutingTests
{
    [Fact]
    public async Task Each_app_answers_at_its_name_under_the_platform_domain()
    {
        await using var a = await Backend.StartAsync("A");
        await using var b = await Backend.StartAsync("B");
        await using var router = await RouterServer.StartAsync(new RouteTable(
        [
            new AppRoute("alpha", [], [new RouteEndpoint(a.Address, "web.1")]),
            new AppRoute("beta", [], [new RouteEndpoint(b.Address, "web.1")]),
        ], []));
        using var client = router.CreateClient();

        Assert.Equal("hello from A", await client.GetStringAsync("http://alpha.paas.test/hello"));
        Assert.Equal("hello from B", await client.GetStringAsync("http://BETA.paas.test:8080/hello"));
        Assert.Equal("hello from A", await client.GetStringAsync("http://alpha.paas.test./hello"));
    }

    [Fact]
    public async Task Custom_and_wildcard_domains_reach_their_app_and_nothing_else()
    {
        await using var a = await Backend.StartAsync("A");
        await using var b = await Backend.StartAsync("B");
        await using var router = await RouterServer.StartAsync(new RouteTable(
        [
            new AppRoute("alpha", ["www.example.com", "*.example.org"], [new RouteEndpoint(a.Address, "web.1")]),
            new AppRoute("beta", ["api.example.org"], [new RouteEndpoint(b.Address, "web.1")]),
        ], []));
        using var client = router.CreateClient();

        Assert.Equal("hello from A", await client.GetStringAsync("http://www.example.com/hello"));
        Assert.Equal("hello from A", await client.GetStringAsync("http://shop.example.org/hello"));
        Assert.Equal("hello from B", await client.GetStringAsync("http://api.example.org/hello"));
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("http://example.org/hello")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("http://a.b.example.org/hello")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("http://example.com/hello")).StatusCode);
    }

    [Fact]
    public async Task Requests_are_spread_over_the_web_processes()
    {
        await using var a = await Backend.StartAsync("A");
        await using var b = await Backend.StartAsync("B");
        await using var router = await RouterServer.StartAsync(new RouteTable(
        [
            new AppRoute("alpha", [], [new RouteEndpoint(a.Address, "web.1"), new RouteEndpoint(b.Address, "web.2")]),
        ], []));
        using var client = router.CreateClient();

        await Parallel.ForAsync(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
            (await client.GetAsync("http://alpha.paas.test/slow?ms=1", ct)).EnsureSuccessStatusCode());

        Assert.Equal(200, a.Requests + b.Requests);
        Assert.InRange(a.Requests, 40, 160);
    }

    [Fact]
    public async Task An_endpoint_that_refuses_connections_is_taken_out_of_rotation()
    {
        await using var live = await Backend.StartAsync("A");
        var dead = await Backend.StartAsync("dead");
        var deadAddress = dead.Address;
        await dead.DisposeAsync();
        await using var router = await RouterServer.StartAsync(new RouteTable(
        [
            new AppRoute("alpha", [], [new RouteEndpoint(deadAddress, "web.1"), new RouteEndpoint(live.Address, "web.2")]),
        ], []));
        using var client = router.CreateClient();

        for (var i = 0; i < 30; i++)
        {
            Assert.Equal("hello from A", await client.GetStringAsync("http://alpha.paas.test/hello"));
        }

        var store = router.Routes.Compiled.MatchApp("alpha.paas.test")!;
        Assert.True(store.Endpoints[0].IsDown(Environment.TickCount64));
        Assert.All(router.Log.For("alpha"), line => Assert.Contains("dyno=web.2", line, StringComparison.Ordinal));
    }

    [Fact]
    public void Host_map_matches_exact_names_before_one_level_wildcards()
    {
        var map = new HostMap<string>();
        Assert.True(map.TryAdd("*.example.com", "wildcard"));
        Assert.True(map.TryAdd("www.example.com", "exact"));
        Assert.False(map.TryAdd("WWW.example.com", "duplicate"));
        Assert.False(map.TryAdd("a.*.example.com", "bad"));

        Assert.Equal("exact", map.Match("WWW.Example.com"));
        Assert.Equal("wildcard", map.Match("shop.example.com"));
        Assert.Null(map.Match("example.com"));
        Assert.Null(map.Match("a.shop.example.com"));
        Assert.Equal("app.example.com", HostMap<string>.HostWithoutPort("app.example.com:8080").ToString());
        Assert.Equal("[::1]", HostMap<string>.HostWithoutPort("[::1]:80").ToString());
    }
}

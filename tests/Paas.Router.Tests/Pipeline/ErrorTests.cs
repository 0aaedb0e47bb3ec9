using System.Net;
using Paas.Router.Routing;
using Paas.Router.Tests.Infrastructure;

namespace Paas.Router.Tests.Pipeline;

public sealed class ErrorTests
{
    [Fact]
    public async Task Each_failure_answers_with_its_status_a_page_and_a_router_line()
    {
        await using var backend = await Backend.StartAsync("A");
        var dead = await Backend.StartAsync("dead");
        var deadAddress = dead.Address;
        await dead.DisposeAsync();
        await using var router = await RouterServer.StartAsync(new RouteTable(
        [
            new AppRoute("idle", [], []),
            new AppRoute("down", [], [new RouteEndpoint(deadAddress, "web.1")]),
            new AppRoute("slow", [], [new RouteEndpoint(backend.Address, "web.1")]) { Timeouts = new RouteTimeouts(FirstByte: TimeSpan.FromMilliseconds(300)) },
            new AppRoute("crashy", [], [new RouteEndpoint(backend.Address, "web.1")]),
            new AppRoute("closed", [], [new RouteEndpoint(backend.Address, "web.1")]) { Maintenance = true },
        ], []));
        using var client = router.CreateClient();

        await AssertPage(client, "http://nosuchapp.paas.test/", HttpStatusCode.NotFound, "No such app");
        await AssertPage(client, "http://idle.paas.test/", HttpStatusCode.ServiceUnavailable, "no web process running");
        await AssertPage(client, "http://down.paas.test/hello", HttpStatusCode.BadGateway, "Application error");
        await AssertPage(client, "http://slow.paas.test/slow?ms=3000", HttpStatusCode.GatewayTimeout, "took too long");
        await AssertPage(client, "http://crashy.paas.test/crash", HttpStatusCode.BadGateway, "Application error");
        await AssertPage(client, "http://closed.paas.test/hello", HttpStatusCode.ServiceUnavailable, "undergoing maintenance");
        Assert.InRange(backend.Requests, 2, 3); // /slow and /crash (SocketsHttpHandler may retry /crash once on a reused connection)

        AssertLine(router, "idle", "at=error code=H14 desc=\"No web processes running\" method=GET path=\"/\" host=idle.paas.test", "status=503");
        AssertLine(router, "down", "at=error code=H10 desc=\"App crashed\" method=GET path=\"/hello\"", "dyno=web.1", "status=502");
        AssertLine(router, "slow", "at=error code=H12 desc=\"Request timeout\" method=GET path=\"/slow?ms=3000\"", "status=504");
        AssertLine(router, "crashy", "at=error code=H13 desc=\"Connection closed without response\"", "status=502");
        AssertLine(router, "closed", "at=error code=H80 desc=\"Maintenance mode\"", "status=503");
    }

    [Fact]
    public async Task A_served_request_is_logged_as_an_info_line()
    {
        await using var backend = await Backend.StartAsync("A");
        await using var router = await RouterServer.StartAsync(new RouteTable([new AppRoute("alpha", [], [new RouteEndpoint(backend.Address, "web.3")])], []));
        using var client = router.CreateClient();

        await client.GetStringAsync("http://alpha.paas.test/hello?a=b");

        var line = Assert.Single(router.Log.WaitFor("alpha"));
        Assert.Matches(
            "^at=info method=GET path=\"/hello\\?a=b\" host=alpha.paas.test request_id=[0-9a-f-]{36} fwd=\"127.0.0.1\" dyno=web.3 connect=\\d+ms service=\\d+ms status=200 bytes=12 protocol=http$",
            line);
    }

    private static async Task AssertPage(HttpClient client, string url, HttpStatusCode status, string text)
    {
        using var response = await client.GetAsync(url);
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Contains(text, await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    private static void AssertLine(RouterServer router, string app, params string[] parts)
    {
        var line = Assert.Single(router.Log.WaitFor(app));
        foreach (var part in parts)
        {
            Assert.Contains(part, line, StringComparison.Ordinal);
        }
    }
}

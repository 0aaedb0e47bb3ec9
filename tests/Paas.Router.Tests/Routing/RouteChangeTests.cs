using Paas.Router.Routing;
using Paas.Router.Tests.Infrastructure;

namespace Paas.Router.Tests.Routing;

public sealed class RouteChangeTests
{
    [Fact]
    public async Task A_route_change_with_requests_in_flight_fails_none_and_applies_at_once()
    {
        await using var oldRelease = await Backend.StartAsync("old");
        await using var newRelease = await Backend.StartAsync("new");
        await using var router = await RouterServer.StartAsync(Table(oldRelease));
        using var client = router.CreateClient();

        var inFlight = Enumerable.Range(0, 64)
            .Select(i => client.GetStringAsync($"http://alpha.paas.test/slow?ms={800 + (i % 8 * 50)}"))
            .ToArray();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (oldRelease.Requests < 64 && waited.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(10);
        }

        Assert.Equal(64, oldRelease.Requests);
        router.Routes.Update(Table(newRelease));
        var afterChange = await client.GetStringAsync("http://alpha.paas.test/hello");
        var results = await Task.WhenAll(inFlight);

        Assert.All(results, r => Assert.Equal("slow from old", r));
        Assert.Equal("hello from new", afterChange);
    }

    [Fact]
    public async Task Continuous_traffic_during_repeated_swaps_sees_no_failure()
    {
        await using var a = await Backend.StartAsync("A");
        await using var b = await Backend.StartAsync("B");
        await using var router = await RouterServer.StartAsync(Table(a));
        using var client = router.CreateClient();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var failures = 0;
        var served = 0;

        var load = Enumerable.Range(0, 8).Select(async _ =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await client.GetAsync("http://alpha.paas.test/hello");
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                }

                Interlocked.Increment(ref served);
            }
        }).ToArray();
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            router.Routes.Update(i % 2 == 0 ? Table(b) : Table(a, b));
            await Task.Delay(20);
        }

        await Task.WhenAll(load);
        Assert.Equal(0, failures);
        Assert.True(served > 100, $"only {served} requests served");
    }

    private static RouteTable Table(params Backend[] backends) =>
        new([new AppRoute("alpha", [], backends.Select((b, i) => new RouteEndpoint(b.Address, $"web.{i + 1}")).ToArray())], []);
}

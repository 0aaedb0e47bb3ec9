using System.Diagnostics;
using Paas.Router.Routing;
using Paas.Router.Tests.Infrastructure;

namespace Paas.Router.Tests.Forwarding;

public sealed class ChunkedStreamingTests
{
    [Fact]
    public async Task A_streamed_response_reaches_the_client_chunk_by_chunk()
    {
        await using var backend = await Backend.StartAsync("A");
        await using var router = await RouterServer.StartAsync(new RouteTable([new AppRoute("alpha", [], [new RouteEndpoint(backend.Address, "web.1")])], []));
        using var client = router.CreateClient();

        using var response = await client.GetAsync("http://alpha.paas.test/chunks?count=3&ms=1000", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var first = await reader.ReadLineAsync();
        var clock = Stopwatch.StartNew();
        var rest = await reader.ReadToEndAsync();
        var restAfter = clock.Elapsed;

        // The backend spends 3 s writing; buffered, everything would arrive at once at the end.
        Assert.Equal("chunk 0", first);
        Assert.True(restAfter > TimeSpan.FromMilliseconds(1500), $"the rest came {restAfter.TotalMilliseconds} ms after the first chunk: buffered");
        Assert.Equal("chunk 1\nchunk 2\n", rest);
        Assert.True(response.Headers.TransferEncodingChunked);
    }

    [Fact]
    public async Task A_response_that_goes_silent_is_cut_after_the_idle_timeout_with_h15()
    {
        await using var backend = await Backend.StartAsync("A");
        var route = new AppRoute("alpha", [], [new RouteEndpoint(backend.Address, "web.1")]);
        await using var router = await RouterServer.StartAsync(new RouteTable([route], []));
        using var client = router.CreateClient();
        // The idle timeout also bounds the wait for the response head, and a cold backend (JIT, new connection) can take
        // longer than 300 ms over its first request: that one goes with the default timeouts, then the app's change.
        Assert.Equal("chunk 0\n", await client.GetStringAsync("http://alpha.paas.test/chunks?count=1&ms=0"));
        router.Routes.Update(new RouteTable([route with { Timeouts = new RouteTimeouts(Idle: TimeSpan.FromMilliseconds(300)) }], []));

        using var response = await client.GetAsync("http://alpha.paas.test/chunks?count=2&ms=2000", HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.Equal("chunk 0", await reader.ReadLineAsync());
        await Assert.ThrowsAnyAsync<Exception>(() => reader.ReadToEndAsync());

        await Task.Delay(100);
        Assert.Contains("code=H15", router.Log.WaitFor("alpha")[^1], StringComparison.Ordinal);
    }
}

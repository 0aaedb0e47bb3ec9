using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Paas.Router.Forwarding;
using Paas.Router.Routing;
using Paas.Router.Tests.Infrastructure;

namespace Paas.Router.Tests.Forwarding;

/// <summary>The first-byte heartbeat (H12) survives a callback that throws on the token it cancels.</summary>
[Collection(MeasuredCollection.Name)]
public sealed class FirstByteHeartbeatTests
{
    [Fact]
    public async Task A_throwing_callback_on_a_first_byte_timeout_is_reported_and_later_timeouts_still_fire()
    {
        var faults = new ConcurrentQueue<Exception>();
        var before = ForwardExchange.HeartbeatFault;
        ForwardExchange.HeartbeatFault = faults.Enqueue;
        var context = new DefaultHttpContext();
        var app = new AppState(
            new AppRoute("slow", [], []),
            [],
            new ResolvedTimeouts(Connect: TimeSpan.FromSeconds(5), FirstByte: TimeSpan.FromMilliseconds(50), Idle: TimeSpan.FromSeconds(55)),
            "max-age=1");
        try
        {
            var first = ForwardExchange.Rent(context, app, "request-one-0123456789", 0);
            first.Start();
            var throwing = first.Token.Register(() => throw new InvalidOperationException("callback failed on purpose"));
            await WaitUntilAsync(() => first.FirstByteExpired && !faults.IsEmpty);
            throwing.Dispose();
            first.Return(context);

            var second = ForwardExchange.Rent(context, app, "request-two-0123456789", 0);
            second.Start();
            await WaitUntilAsync(() => second.FirstByteExpired);
            second.Return(context);

            var fault = Assert.Single(faults);
            Assert.Contains("callback failed on purpose", fault.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            ForwardExchange.HeartbeatFault = before;
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the first-byte heartbeat did not fire within 10 s");
            await Task.Delay(20);
        }
    }
}

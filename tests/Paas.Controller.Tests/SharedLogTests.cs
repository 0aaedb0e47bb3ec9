using System.Diagnostics;
using System.Globalization;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Paas.Client;
using Paas.Scheduling.Logs;
using Xunit;

namespace Paas.Controller.Tests;

/// <summary>
/// Two controller replicas on one PostgreSQL database share the apps' logs (<see cref="PostgresLogStore"/>): a line written
/// through one is in the other's tail and reaches its followers by <c>LISTEN/NOTIFY</c>, none lost or repeated across a
/// reconnection; an app keeps a bounded number of lines, and its lines go with it.
/// </summary>
public sealed class SharedLogTests
{
    private static readonly TimeSpan Notified = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_line_written_through_one_replica_is_in_the_others_tail_and_reaches_its_followers()
    {
        await using var fixture = await PostgresReplicas.StartAsync();
        var (a, b) = (Store(fixture.A), Store(fixture.B));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var follow = b.FollowAsync("hello", 10, null, stop.Token).GetAsyncEnumerator(stop.Token);
        var next = follow.MoveNextAsync().AsTask(); // the tail is empty: this waits for a live line
        await fixture.WaitForSessionsAsync(PostgresLogStore.ApplicationName, 1);

        var watch = Stopwatch.StartNew();
        a.Write("hello", "app[web.1]", "listening on 5000\n");
        Assert.True(await next.WaitAsync(Notified), "the follow ended");
        Assert.Equal(("app[web.1]", "listening on 5000"), (follow.Current.Source, follow.Current.Message));
        Assert.True(watch.Elapsed < Notified, $"the line took {watch.Elapsed.TotalSeconds:0.00} s");

        var tail = b.Tail("hello", 10);
        Assert.Equal(["listening on 5000"], tail.Select(l => l.Message));
        a.Write("hello", "paas[router]", "GET / 200");
        Assert.True(await follow.MoveNextAsync().AsTask().WaitAsync(Notified));
        Assert.Equal("GET / 200", follow.Current.Message);
        Assert.Equal(["listening on 5000"], b.Tail("hello", 10, "web").Select(l => l.Message));
        Assert.Equal(0, ((PostgresLogStore)a).Dropped);
    }

    [Fact]
    public async Task No_line_is_lost_or_repeated_when_the_listening_connection_is_killed()
    {
        await using var fixture = await PostgresReplicas.StartAsync();
        var (a, b) = (Store(fixture.A), Store(fixture.B));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var received = new List<string>();
        var reader = Task.Run(async () =>
        {
            await foreach (var line in b.FollowAsync("hello", 0, null, stop.Token))
            {
                received.Add(line.Message);
                if (received.Count == 300)
                {
                    return;
                }
            }
        });
        await fixture.WaitForSessionsAsync(PostgresLogStore.ApplicationName, 1);

        for (var i = 0; i < 300; i++)
        {
            a.Write("hello", "app[web.1]", i.ToString(CultureInfo.InvariantCulture));
            if (i is 100 or 200)
            {
                Assert.Equal(1, await fixture.KillSessionsAsync(PostgresLogStore.ApplicationName)); // B's listener; A never followed
            }

            await Task.Delay(5);
        }

        await reader.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(Enumerable.Range(0, 300).Select(i => i.ToString(CultureInfo.InvariantCulture)), received);
        await fixture.WaitForSessionsAsync(PostgresLogStore.ApplicationName, 1); // listening again
    }

    [Fact]
    public async Task An_app_keeps_a_bounded_number_of_lines_and_they_go_with_the_app()
    {
        await using var fixture = await PostgresReplicas.StartAsync();
        var (a, b) = (Store(fixture.A), Store(fixture.B));
        var (alice, _) = await fixture.A.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);

        a.Write("other", "app[web.1]", "kept");
        for (var i = 0; i < 5000; i++)
        {
            a.Write("hello", "app[web.1]", i.ToString(CultureInfo.InvariantCulture));
        }
        var watch = Stopwatch.StartNew();
        while (b.Tail("hello", 1) is not [{ Message: "4999" }])
        {
            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "the lines were not written within 20 s");
            await Task.Delay(50);
        }

        var tail = b.Tail("hello", 5000);
        Assert.Equal(Enumerable.Range(3500, 1500).Select(i => i.ToString(CultureInfo.InvariantCulture)), tail.Select(l => l.Message));
        var stored = Convert.ToInt64(await fixture.ScalarAsync("SELECT count(*) FROM app_logs WHERE app = @name", "hello"), CultureInfo.InvariantCulture);
        Assert.InRange(stored, 1500, PostgresLogStore.KeepPerApp + PostgresLogStore.TrimEvery + PostgresLogStore.MaxBatch);

        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync("/v2/apps/hello")).StatusCode);
        Assert.Empty(b.Tail("hello", 1500));
        Assert.Equal(0L, Convert.ToInt64(await fixture.ScalarAsync("SELECT count(*) FROM app_logs WHERE app = @name", "hello"), CultureInfo.InvariantCulture));
        Assert.Equal(["kept"], b.Tail("other", 10).Select(l => l.Message));
    }

    private static IAppLogStore Store(Paas.Testing.TestPlatform platform)
    {
        var store = platform.Services.GetRequiredService<IAppLogStore>();
        Assert.IsType<PostgresLogStore>(store);
        return store;
    }
}

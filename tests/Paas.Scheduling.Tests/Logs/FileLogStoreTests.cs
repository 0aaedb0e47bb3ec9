using Paas.Scheduling.Logs;

namespace Paas.Scheduling.Tests.Logs;

public sealed class FileLogStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("paas-logs-").FullName;

    [Fact]
    public void Lines_use_the_heroku_format_and_parse_back()
    {
        var line = new LogLine(new DateTimeOffset(2026, 11, 21, 8, 40, 12, TimeSpan.Zero).AddTicks(1234560), "app[web.1]", "listening on 5000");

        Assert.Equal("2026-11-21T08:40:12.123456+00:00 app[web.1]: listening on 5000", line.ToString());
        Assert.True(LogLine.TryParse(line.ToString(), out var parsed));
        Assert.Equal(line, parsed);
        Assert.Equal("web.1", parsed.ProcessName);
    }

    [Fact]
    public void Tail_keeps_the_last_lines_and_filters_by_type_or_process()
    {
        using var store = new FileLogStore(_dir);
        for (var i = 0; i < 5; i++)
        {
            store.Write("hello", "app[web.1]", $"w1 {i}");
            store.Write("hello", "app[web.2]", $"w2 {i}");
            store.Write("hello", "app[worker.1]", $"k {i}\n");
        }

        store.Write("hello", "paas[scheduler]", "Scaled web to 2");

        Assert.Equal(["k 4", "Scaled web to 2"], store.Tail("hello", 2).Select(l => l.Message));
        Assert.Equal(["w1 4", "w2 4"], store.Tail("hello", 2, "web").Select(l => l.Message));
        Assert.Equal(["w2 3", "w2 4"], store.Tail("hello", 2, "web.2").Select(l => l.Message));
        Assert.Equal(["Scaled web to 2"], store.Tail("hello", 5, "scheduler").Select(l => l.Message));
        Assert.Empty(store.Tail("other", 10));
    }

    [Fact]
    public void Logs_survive_a_restart_and_stay_within_their_size_bound()
    {
        using (var store = new FileLogStore(_dir, maxBytesPerApp: 64 * 1024))
        {
            for (var i = 0; i < 5000; i++)
            {
                store.Write("big", "app[web.1]", $"line {i} " + new string('x', 40));
            }
        }

        var bytes = Directory.GetFiles(_dir, "big.log*").Sum(f => new FileInfo(f).Length);
        Assert.InRange(bytes, 1, 64 * 1024 + 200);
        using var again = new FileLogStore(_dir, maxBytesPerApp: 64 * 1024);
        var tail = again.Tail("big", 3);
        Assert.Equal(["line 4997", "line 4998", "line 4999"], tail.Select(l => l.Message[..9]));
    }

    [Fact]
    public async Task Follow_gives_the_tail_then_live_lines_until_cancelled()
    {
        using var store = new FileLogStore(_dir);
        store.Write("live", "app[web.1]", "before 1");
        store.Write("live", "app[worker.1]", "before worker");
        store.Write("live", "app[web.1]", "before 2");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<string>();

        var reader = Task.Run(async () =>
        {
            await foreach (var line in store.FollowAsync("live", 1, "web", stop.Token))
            {
                seen.Add(line.Message);
                if (line.Message == "after 2")
                {
                    await stop.CancelAsync();
                }
            }
        });
        while (!seen.Contains("before 2"))
        {
            await Task.Delay(10);
        }

        store.Write("live", "app[web.1]", "after 1");
        store.Write("live", "app[worker.1]", "after worker");
        store.Write("live", "app[web.1]", "after 2");
        await reader.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(["before 2", "after 1", "after 2"], seen);
    }

    [Fact]
    public void Delete_removes_the_app_logs()
    {
        using var store = new FileLogStore(_dir);
        store.Write("gone", "app[web.1]", "x");

        store.Delete("gone");

        Assert.Empty(store.Tail("gone", 10));
        Assert.Empty(Directory.GetFiles(_dir, "gone.log*"));
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}

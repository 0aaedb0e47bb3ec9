using System.Text;

namespace Paas.Testing.Kubernetes.Podman.Tests.Units;

public sealed class LogWriterTests
{
    private static readonly DateTime T0 = new(2026, 12, 6, 6, 38, 30, DateTimeKind.Utc);

    [Fact]
    public async Task Options_filter_cut_and_stamp_as_the_api_server_serves_logs()
    {
        var log = new RunLog(1024);
        log.Append(new LogLine(T0.AddTicks(2983715), "one\n"u8.ToArray()));
        log.Append(new LogLine(T0.AddSeconds(1), "two\n"u8.ToArray()));
        log.Append(new LogLine(T0.AddSeconds(2), "three\n"u8.ToArray()));
        log.End();

        Assert.Equal("one\ntwo\nthree\n", await ReadAsync(log, new FakeLogOptions()));
        Assert.Equal("2026-12-06T06:38:30.298371500Z one\n", (await ReadAsync(log, new FakeLogOptions(Timestamps: true, TailLines: 3)))[..35]);
        Assert.Equal("two\nthree\n", await ReadAsync(log, new FakeLogOptions(TailLines: 2)));
        Assert.Equal("one\ntw", await ReadAsync(log, new FakeLogOptions(LimitBytes: 6)));
        Assert.Equal("three\n", await ReadAsync(log, new FakeLogOptions(SinceTime: new DateTimeOffset(T0.AddSeconds(1.5)))));
        Assert.Equal("", await ReadAsync(log, new FakeLogOptions(TailLines: 0)));
    }

    [Fact]
    public async Task Follow_writes_new_lines_as_they_come_and_ends_with_the_run()
    {
        var log = new RunLog(1024);
        log.Append(new LogLine(T0, "before\n"u8.ToArray()));
        var output = new MemoryStream();
        var follow = LogWriter.WriteAsync(log, new FakeLogOptions(Follow: true), output, CancellationToken.None);
        await Task.Delay(100);
        Assert.False(follow.IsCompleted);

        log.Append(new LogLine(T0, "after\n"u8.ToArray()));
        log.End();
        await follow.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("before\nafter\n", Encoding.UTF8.GetString(output.ToArray()));
    }

    [Fact]
    public async Task Follow_ends_quietly_when_the_client_goes_away_and_the_oldest_lines_go_past_the_bound()
    {
        var log = new RunLog(10);
        log.Append(new LogLine(T0, "aaaaaa\n"u8.ToArray()));
        log.Append(new LogLine(T0, "bbbbbb\n"u8.ToArray()));
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        var output = new MemoryStream();

        await LogWriter.WriteAsync(log, new FakeLogOptions(Follow: true), output, cts.Token);

        Assert.Equal("bbbbbb\n", Encoding.UTF8.GetString(output.ToArray()));
    }

    private static async Task<string> ReadAsync(RunLog log, FakeLogOptions options)
    {
        var output = new MemoryStream();
        await LogWriter.WriteAsync(log, options, output, CancellationToken.None);
        return Encoding.UTF8.GetString(output.ToArray());
    }
}

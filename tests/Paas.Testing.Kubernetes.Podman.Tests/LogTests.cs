using System.Text.RegularExpressions;

namespace Paas.Testing.Kubernetes.Podman.Tests;

public sealed partial class LogTests
{
    [Fact]
    public async Task Logs_follow_until_the_container_exits_with_rfc3339_nanosecond_timestamps_and_honour_tail_limit_and_since()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Shell("logs", "echo one; echo two >&2; echo three; sleep 2; echo four; printf five", "Never");
        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        await host.WaitForStatusAsync(pod.Key, TestPods.IsRunning, TestPods.Wait, "running");

        var followed = await Logs.ReadAsync(kubelet, pod.Key, new FakeLogOptions(Follow: true, Timestamps: true), TimeSpan.FromSeconds(30));

        var lines = followed.Split('\n');
        Assert.Equal(5, lines.Length);
        Assert.All(lines, l => Assert.Matches(TimestampedLine(), l));
        // stdout and stderr are separate pipes: their relative order is whichever podman forwarded first.
        var stdout = lines.Where(l => !l.EndsWith(" two", StringComparison.Ordinal)).ToList();
        Assert.Equal(["one", "three", "four", "five"], stdout.Select(l => l[31..]));
        Assert.Single(lines, l => l.EndsWith(" two", StringComparison.Ordinal));
        var stamps = stdout.Select(l => DateTimeOffset.Parse(l[..30], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(stamps[2] - stamps[1] >= TimeSpan.FromSeconds(1.5), "each line is stamped when it arrived");

        await host.WaitForStatusAsync(pod.Key, s => TestPods.Terminated(s) is not null, TestPods.Wait, "terminated");
        var plain = string.Join('\n', lines.Select(l => l[31..]));
        Assert.Equal(plain, await Logs.ReadAsync(kubelet, pod.Key, new FakeLogOptions()));
        Assert.Equal("four\nfive", await Logs.ReadAsync(kubelet, pod.Key, new FakeLogOptions(TailLines: 2)));
        Assert.Equal(plain[..6], await Logs.ReadAsync(kubelet, pod.Key, new FakeLogOptions(LimitBytes: 6)));
        Assert.Equal("four\nfive", await Logs.ReadAsync(kubelet, pod.Key, new FakeLogOptions(SinceTime: stamps[2])));
        Assert.Equal(followed, await Logs.ReadAsync(kubelet, pod.Key, new FakeLogOptions(Timestamps: true)));
        Assert.Equal("", await Logs.ReadAsync(kubelet, pod.Key, new FakeLogOptions(SinceTime: DateTimeOffset.UtcNow.AddMinutes(1))));
        var error = await Assert.ThrowsAsync<FakeKubeletException>(() => Logs.ReadAsync(kubelet, pod.Key, new FakeLogOptions(Previous: true)));
        Assert.Equal($"previous terminated container \"main\" in pod \"{pod.Key.Name}\" not found", error.Message);
    }

    [Fact]
    public async Task Follow_with_tail_sends_the_last_lines_then_new_ones_as_they_come()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Shell("tail", "for i in 1 2 3 4 5 6; do echo line-$i; done; sleep 1; echo late; exit 0", "Never");
        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        await host.WaitForStatusAsync(pod.Key, TestPods.IsRunning, TestPods.Wait, "running");
        await WebPodTests.WaitForLogAsync(kubelet, pod.Key, "line-6");

        var followed = await Logs.ReadAsync(kubelet, pod.Key, new FakeLogOptions(Follow: true, TailLines: 2));

        Assert.Equal("line-5\nline-6\nlate\n", followed);
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \S+$")]
    private static partial Regex TimestampedLine();
}

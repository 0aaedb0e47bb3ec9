namespace Paas.Testing.Kubernetes.Podman.Tests;

public sealed class WebPodTests
{
    [Fact]
    public async Task Web_pod_becomes_ready_and_answers_http_on_its_loopback_pod_ip()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Web("web");

        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        var ready = await host.WaitForStatusAsync(pod.Key, s => s.Ready, TestPods.Wait, "ready");

        Assert.Equal("ContainerCreating", TestPods.WaitingReason(host.Statuses(pod.Key)[0]));
        var running = Assert.IsType<FakeContainerState.Running>(ready.State);
        Assert.True(running.StartedAt > DateTimeOffset.UtcNow.AddMinutes(-2));
        Assert.Matches(@"^podman://[0-9a-f]{64}$", ready.ContainerId);
        Assert.Matches(@"^localhost/paas-kubelet-test@sha256:[0-9a-f]{64}$", ready.ImageId);
        var ip = host.PodIp(pod.Key);
        Assert.Matches(@"^127\.77\.\d+\.\d+$", ip);
        Assert.Equal(
            ["Pulled", "Created", "Started"],
            host.Events(pod.Key).Select(e => e.Reason).Where(r => r != "Unhealthy"));
        Assert.Equal($"Container image \"{TestImage.Name}\" already present on machine", host.Events(pod.Key)[0].Message);

        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        Assert.Equal("hello\n", await http.GetStringAsync($"http://{ip}:5000/index.html"));
        var log = await Logs.ReadAsync(kubelet, pod.Key, new FakeLogOptions());
        Assert.StartsWith("starting release r1 on port 5000\n", log, StringComparison.Ordinal);
        await WaitForLogAsync(kubelet, pod.Key, "url:/index.html");
    }

    [Fact]
    public async Task Env_values_reach_the_process_unchanged_and_later_entries_win()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        const string Tricky = "a b \"c\" $d `e` 'f' ; g\\h";
        var pod = TestPods.Shell("env", "echo \"[$TRICKY] [$PORT] [$HOME] [$(id -u)] [$(pwd)]\"", "Never") with
        {
            Env = [new("PORT", "1"), new("TRICKY", Tricky), new("PORT", "5000"), new("HOME", "/tmp/home")],
            RunAsUser = 1234,
            WorkingDir = "/tmp",
        };

        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        await host.WaitForStatusAsync(pod.Key, s => TestPods.Terminated(s) is not null, TestPods.Wait, "terminated");

        var log = await Logs.ReadAsync(kubelet, pod.Key, new FakeLogOptions());
        Assert.Equal($"[{Tricky}] [5000] [/tmp/home] [1234] [/tmp]\n", log);
    }

    [Fact]
    public async Task Graceful_stop_kills_a_process_that_ignores_sigterm_after_the_grace_period_and_removes_the_container()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Web("stop");
        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        await host.WaitForStatusAsync(pod.Key, s => s.Ready, TestPods.Wait, "ready");

        var started = DateTime.UtcNow;
        await kubelet.StopPodAsync(pod.Key, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(1), "SIGKILL came before the grace period ended.");
        var last = host.Statuses(pod.Key)[^1];
        var terminated = Assert.IsType<FakeContainerState.Terminated>(last.State);
        Assert.Equal((137, "Error"), (terminated.ExitCode, terminated.Reason));
        Assert.False(last.Ready);
        Assert.Contains(host.Events(pod.Key), e => e == ("Normal", "Killing", "Stopping container main"));
        var left = await ExternalTool.RunAsync("podman", TimeSpan.FromSeconds(30), "ps", "-a", "-q", "--filter", $"label=io.paas.fake-kubelet.instance={kubelet.InstanceId}");
        Assert.Equal("", left.Trim());
        await kubelet.StopPodAsync(pod.Key, TimeSpan.FromSeconds(1), CancellationToken.None);
    }

    [Fact]
    public async Task Sigterm_handled_by_the_process_ends_with_its_own_exit_code()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Shell("term", "trap 'echo got TERM; exit 0' TERM; echo up; while true; do sleep 0.1; done") with { TerminationGracePeriodSeconds = 20 };
        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        await host.WaitForStatusAsync(pod.Key, TestPods.IsRunning, TestPods.Wait, "running");
        await WaitForLogAsync(kubelet, pod.Key, "up");

        await kubelet.StopPodAsync(pod.Key, TimeSpan.FromSeconds(20), CancellationToken.None);

        var terminated = Assert.IsType<FakeContainerState.Terminated>(host.Statuses(pod.Key)[^1].State);
        Assert.Equal((0, "Completed"), (terminated.ExitCode, terminated.Reason));
        Assert.True(terminated.FinishedAt - terminated.StartedAt < TimeSpan.FromSeconds(15));
    }

    internal static async Task WaitForLogAsync(IFakeKubelet kubelet, FakePodKey pod, string text)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        string log;
        while (!(log = await Logs.ReadAsync(kubelet, pod, new FakeLogOptions())).Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"'{text}' never appeared in the log:\n{log}");
            await Task.Delay(100);
        }
    }
}

namespace Paas.Testing.Kubernetes.Podman.Tests;

public sealed class ExitTests
{
    [Fact]
    public async Task Crashing_pod_restarts_at_once_then_goes_through_CrashLoopBackOff_with_lastState_and_restartCount()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Shell("crash", "echo starting; exit 3");

        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        await host.WaitForStatusAsync(pod.Key, s => s.RestartCount == 3 && s.State is FakeContainerState.Waiting, TestPods.Wait, "third back-off");

        var statuses = host.Statuses(pod.Key);
        var first = statuses.First(s => TestPods.Terminated(s) is not null);
        Assert.Equal((3, "Error", 0), (TestPods.Terminated(first)!.ExitCode, TestPods.Terminated(first)!.Reason, first.RestartCount));
        Assert.Null(first.LastState);
        var backOffs = statuses.Where(s => TestPods.WaitingReason(s) == "CrashLoopBackOff").ToList();
        var podRef = $"{pod.Key.Name}_{pod.Key.Namespace}({pod.Uid})";
        Assert.Equal(
            [$"back-off 1s restarting failed container=main pod={podRef}", $"back-off 2s restarting failed container=main pod={podRef}", $"back-off 4s restarting failed container=main pod={podRef}"],
            backOffs.Select(s => ((FakeContainerState.Waiting)s.State).Message).Distinct());
        Assert.Equal([1, 2, 3], backOffs.Select(s => s.RestartCount).Distinct());
        Assert.All(backOffs, s => Assert.Equal((3, "Error"), (s.LastState!.ExitCode, s.LastState.Reason)));

        // The first restart is immediate (no back-off), as in 06b: restartCount 1 is reached terminated, not waiting.
        Assert.Contains(statuses, s => s.RestartCount == 1 && TestPods.Terminated(s) is not null && s.LastState is not null);
        var ids = statuses.Select(s => s.ContainerId).Distinct().ToList();
        Assert.True(ids.Count >= 3, "every run is a new container");
        Assert.Contains(host.Events(pod.Key), e => e == ("Warning", "BackOff", $"Back-off restarting failed container main in pod {podRef}"));

        Assert.Equal("starting\n", await Logs.ReadAsync(kubelet, pod.Key, new FakeLogOptions(Previous: true)));
        Assert.Equal("starting\n", await Logs.ReadAsync(kubelet, pod.Key, new FakeLogOptions()));
    }

    [Theory]
    [InlineData("echo hi; exit 42", 42, "Error", "hi\n")]
    [InlineData("echo ok; exit 0", 0, "Completed", "ok\n")]
    public async Task Never_pod_terminates_once_with_its_exit_code_and_reason(string script, int exitCode, string reason, string log)
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Shell("once", script, "Never");

        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        var done = await host.WaitForStatusAsync(pod.Key, s => TestPods.Terminated(s) is not null, TestPods.Wait, "terminated");
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        var terminated = TestPods.Terminated(done)!;
        Assert.Equal((exitCode, reason), (terminated.ExitCode, terminated.Reason));
        Assert.True(terminated.FinishedAt >= terminated.StartedAt);
        Assert.Equal(done, host.Statuses(pod.Key)[^1]);
        Assert.Equal(0, done.RestartCount);
        Assert.Equal(log, await Logs.ReadAsync(kubelet, pod.Key, new FakeLogOptions()));
        Assert.Equal(["Pulled", "Created", "Started"], host.Events(pod.Key).Select(e => e.Reason));
    }

    [Fact]
    public async Task Memory_limit_exceeded_is_OOMKilled_with_exit_137()
    {
        await TestImage.RequireAsync();
        RequireMemoryController();

        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Shell("oom", "x=$(head -c 64m /dev/zero | tr \"\\0\" a); echo survived", "Never") with { MemoryLimitBytes = 16 * 1024 * 1024 };

        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        var done = await host.WaitForStatusAsync(pod.Key, s => TestPods.Terminated(s) is not null, TestPods.Wait, "terminated");

        var terminated = TestPods.Terminated(done)!;
        Assert.Equal((137, "OOMKilled"), (terminated.ExitCode, terminated.Reason));
        Assert.DoesNotContain("survived", await Logs.ReadAsync(kubelet, pod.Key, new FakeLogOptions()), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OOMKilled_pod_with_restartPolicy_Always_keeps_the_kill_in_lastState_and_backs_off()
    {
        await TestImage.RequireAsync();
        RequireMemoryController();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Shell("oom-always", "x=$(head -c 64m /dev/zero | tr \"\\0\" a)") with { MemoryLimitBytes = 16 * 1024 * 1024 };

        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        var backOff = await host.WaitForStatusAsync(pod.Key, s => TestPods.WaitingReason(s) == "CrashLoopBackOff", TestPods.Wait, "CrashLoopBackOff");

        Assert.Equal((137, "OOMKilled"), (backOff.LastState!.ExitCode, backOff.LastState.Reason));
        Assert.Contains(host.Statuses(pod.Key), s => TestPods.Terminated(s) is { Reason: "OOMKilled" } && s.RestartCount == 0);
    }

    [Fact]
    public async Task Sigkill_the_process_sends_itself_under_a_memory_limit_is_Error_not_OOMKilled()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Shell("kill9", "sh -c 'kill -9 $$'; exit $?", "Never") with { MemoryLimitBytes = 64 * 1024 * 1024 };

        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        var done = await host.WaitForStatusAsync(pod.Key, s => TestPods.Terminated(s) is not null, TestPods.Wait, "terminated");

        Assert.Equal((137, "Error"), (TestPods.Terminated(done)!.ExitCode, TestPods.Terminated(done)!.Reason));
    }

    [Fact]
    public async Task Active_deadline_kills_the_pod_with_reason_DeadlineExceeded_and_no_restart()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Shell("deadline", "sleep 60") with { ActiveDeadlineSeconds = 3, TerminationGracePeriodSeconds = 1 };

        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        var done = await host.WaitForStatusAsync(pod.Key, s => TestPods.Terminated(s) is not null, TestPods.Wait, "terminated");
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal("DeadlineExceeded", TestPods.Terminated(done)!.Reason);
        Assert.Equal(done, host.Statuses(pod.Key)[^1]);
        Assert.Contains(host.Events(pod.Key), e => e.Reason == "DeadlineExceeded");
    }

    [Fact]
    public async Task Failing_liveness_probe_restarts_the_container()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Web("liveness") with
        {
            Liveness = new FakeProbe(TcpPort: null, HttpPath: "/healthz", HttpPort: 5000, InitialDelaySeconds: 1, PeriodSeconds: 1, FailureThreshold: 2),
        };

        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        var restarted = await host.WaitForStatusAsync(pod.Key, s => s.RestartCount == 1 && TestPods.IsRunning(s), TestPods.Wait, "restarted");

        Assert.Equal((137, "Error"), (restarted.LastState!.ExitCode, restarted.LastState.Reason));
        Assert.Contains(host.Events(pod.Key), e => e == ("Warning", "Unhealthy", "Liveness probe failed: HTTP probe failed with statuscode: 404"));
        Assert.Contains(host.Events(pod.Key), e => e == ("Normal", "Killing", "Container main failed liveness probe, will be restarted"));
    }

    private static void RequireMemoryController()
    {
        var v2 = "/sys/fs/cgroup/cgroup.controllers";
        if (!Directory.Exists("/sys/fs/cgroup/memory") && !(File.Exists(v2) && File.ReadAllText(v2).Contains("memory", StringComparison.Ordinal)))
        {
            ExternalTool.SkipOrFail("This machine's cgroups have no memory controller, so podman cannot enforce --memory.");
        }
    }
}

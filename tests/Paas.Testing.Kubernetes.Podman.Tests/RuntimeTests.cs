using System.Text;

namespace Paas.Testing.Kubernetes.Podman.Tests;

public sealed class RuntimeTests
{
    [Fact]
    public async Task Missing_executable_is_a_StartError_with_exit_128_and_no_log()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Shell("starterror", "") with { Command = ["no-such-binary"], Args = null, RestartPolicy = "Never" };

        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        var done = await host.WaitForStatusAsync(pod.Key, s => TestPods.Terminated(s) is not null, TestPods.Wait, "terminated");

        var terminated = TestPods.Terminated(done)!;
        Assert.Equal((128, "StartError"), (terminated.ExitCode, terminated.Reason));
        Assert.Contains("executable file not found", terminated.Message, StringComparison.Ordinal);
        Assert.Equal(DateTimeOffset.UnixEpoch, terminated.StartedAt);
        Assert.Contains(host.Events(pod.Key), e => e.Type == "Warning" && e.Reason == "Failed");
        Assert.DoesNotContain(host.Events(pod.Key), e => e.Reason == "Started");
        Assert.Equal("", await Logs.ReadAsync(kubelet, pod.Key, new FakeLogOptions()));
    }

    [Fact]
    public async Task A_multi_line_value_for_a_name_podman_itself_reads_is_a_CreateContainerConfigError()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Shell("configerror", "true") with { Env = [new("HOME", "/a\n/b")] };

        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        var waiting = await host.WaitForStatusAsync(pod.Key, s => TestPods.WaitingReason(s) == "CreateContainerConfigError", TestPods.Wait, "CreateContainerConfigError");

        Assert.Contains("HOME", ((FakeContainerState.Waiting)waiting.State).Message, StringComparison.Ordinal);
        await kubelet.StopPodAsync(pod.Key, TimeSpan.FromSeconds(1), CancellationToken.None);
    }

    [Fact]
    public async Task OnFailure_restarts_a_failed_run_but_not_a_completed_one()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var failing = TestPods.Shell("onfailure-1", "exit 1", "OnFailure");
        var completing = TestPods.Shell("onfailure-0", "exit 0", "OnFailure");

        await kubelet.StartPodAsync(failing, host, CancellationToken.None);
        await kubelet.StartPodAsync(completing, host, CancellationToken.None);
        await host.WaitForStatusAsync(failing.Key, s => s.RestartCount >= 1, TestPods.Wait, "a restart");
        var done = await host.WaitForStatusAsync(completing.Key, s => TestPods.Terminated(s) is not null, TestPods.Wait, "terminated");
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        Assert.Equal("Completed", TestPods.Terminated(done)!.Reason);
        Assert.Equal(done, host.Statuses(completing.Key)[^1]);
    }

    [Fact]
    public async Task Containers_left_by_a_dead_test_process_are_removed_when_a_kubelet_starts()
    {
        await TestImage.RequireAsync();
        var name = $"paas-kubelet-leftover-{Guid.NewGuid().ToString("N")[..8]}";
        await ExternalTool.RunAsync("podman", TimeSpan.FromSeconds(30), "create", "--name", name, "--label", "io.paas.fake-kubelet.owner=999999999-1", TestImage.Name, "true");

        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Shell("sweep", "true", "Never");
        await kubelet.StartPodAsync(pod, host, CancellationToken.None);

        var left = await ExternalTool.RunAsync("podman", TimeSpan.FromSeconds(30), "ps", "-a", "-q", "--filter", $"name={name}");
        Assert.Equal("", left.Trim());
    }

    [Fact]
    public async Task Dispose_removes_every_container_of_the_instance()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pods = new[] { TestPods.Shell("dispose-a", "sleep 60"), TestPods.Shell("dispose-b", "sleep 60") };
        foreach (var pod in pods)
        {
            await kubelet.StartPodAsync(pod, host, CancellationToken.None);
            await host.WaitForStatusAsync(pod.Key, TestPods.IsRunning, TestPods.Wait, "running");
        }

        Assert.NotEqual(host.PodIp(pods[0].Key), host.PodIp(pods[1].Key));
        await kubelet.DisposeAsync();

        var left = await ExternalTool.RunAsync("podman", TimeSpan.FromSeconds(30), "ps", "-a", "-q", "--filter", $"label=io.paas.fake-kubelet.instance={kubelet.InstanceId}");
        Assert.Equal("", left.Trim());
    }

    [Fact]
    public async Task Tty_pod_attach_gets_one_terminal_stream()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Shell("tty", "tty; while read line; do echo \"got: $line\" >&2; done") with { Stdin = true, Tty = true };
        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        await host.WaitForStatusAsync(pod.Key, TestPods.IsRunning, TestPods.Wait, "running");
        await WebPodTests.WaitForLogAsync(kubelet, pod.Key, "/dev/pts/");

        var attachment = await kubelet.AttachAsync(pod.Key, new FakeAttachOptions(Stdin: true, Stdout: true, Stderr: true, Tty: true), CancellationToken.None);
        Assert.Null(attachment.Stderr);
        await attachment.Stdin!.WriteAsync("hi\n"u8.ToArray());
        var seen = new StringBuilder();
        var buffer = new byte[256];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (!seen.ToString().Contains("got: hi\r\n", StringComparison.Ordinal))
        {
            var read = await attachment.Stdout!.ReadAsync(buffer, cts.Token);
            Assert.NotEqual(0, read);
            seen.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        await attachment.Detach();
    }
}

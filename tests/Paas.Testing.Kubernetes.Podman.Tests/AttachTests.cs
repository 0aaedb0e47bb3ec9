using System.Text;

namespace Paas.Testing.Kubernetes.Podman.Tests;

public sealed class AttachTests
{
    private const string EchoLoop = "echo attach-ready; while read line; do echo \"got: $line\"; done; echo eof";

    [Fact]
    public async Task Attach_forwards_stdin_and_returns_only_output_written_afterwards()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Shell("attach", EchoLoop) with { Stdin = true };
        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        await host.WaitForStatusAsync(pod.Key, TestPods.IsRunning, TestPods.Wait, "running");
        await WebPodTests.WaitForLogAsync(kubelet, pod.Key, "attach-ready");

        var attachment = await kubelet.AttachAsync(pod.Key, new FakeAttachOptions(Stdin: true, Stdout: true, Stderr: true, Tty: false), CancellationToken.None);
        await attachment.Stdin!.WriteAsync("hello\n"u8.ToArray());
        Assert.Equal("got: hello\n", await ReadAtLeastAsync(attachment.Stdout!, "got: hello\n".Length));
        await attachment.Stdin.WriteAsync("world\n"u8.ToArray());
        Assert.Equal("got: world\n", await ReadAtLeastAsync(attachment.Stdout!, "got: world\n".Length));
        await attachment.Stdin.DisposeAsync(); // not stdinOnce: the process keeps its input
        await attachment.Detach();

        Assert.Equal("attach-ready\ngot: hello\ngot: world\n", await Logs.ReadAsync(kubelet, pod.Key, new FakeLogOptions()));
        Assert.True(TestPods.IsRunning(host.Statuses(pod.Key)[^1]));
    }

    [Fact]
    public async Task With_stdinOnce_closing_the_attachment_input_closes_the_process_input_and_output_ends()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Shell("once", EchoLoop, "Never") with { Stdin = true, StdinOnce = true };
        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        await host.WaitForStatusAsync(pod.Key, TestPods.IsRunning, TestPods.Wait, "running");

        var attachment = await kubelet.AttachAsync(pod.Key, new FakeAttachOptions(Stdin: true, Stdout: true, Stderr: true, Tty: false), CancellationToken.None);
        await attachment.Stdin!.WriteAsync("x\n"u8.ToArray());
        await attachment.Stdin.DisposeAsync();
        using var reader = new StreamReader(attachment.Stdout!);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var rest = await reader.ReadToEndAsync(cts.Token);

        Assert.EndsWith("got: x\neof\n", rest, StringComparison.Ordinal);
        var done = await host.WaitForStatusAsync(pod.Key, s => TestPods.Terminated(s) is not null, TestPods.Wait, "terminated");
        Assert.Equal("Completed", TestPods.Terminated(done)!.Reason);
        var error = await Assert.ThrowsAsync<FakeKubeletException>(() =>
            kubelet.AttachAsync(pod.Key, new FakeAttachOptions(Stdin: false, Stdout: true, Stderr: false, Tty: false), CancellationToken.None));
        Assert.Contains("container not found", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_tty_attach_gets_a_terminal_that_a_resize_sets_the_size_of()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Shell("tty", "read x; tty; stty size; echo \"got $x\"; exit 3", "Never") with { Stdin = true, StdinOnce = true, Tty = true };
        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        await host.WaitForStatusAsync(pod.Key, TestPods.IsRunning, TestPods.Wait, "running");

        var attachment = await kubelet.AttachAsync(pod.Key, new FakeAttachOptions(Stdin: true, Stdout: true, Stderr: false, Tty: true), CancellationToken.None);
        Assert.NotNull(attachment.Resize);
        await attachment.Resize(new FakeTerminalSize(100, 30));
        await attachment.Stdin!.WriteAsync("hi\n"u8.ToArray());
        using var reader = new StreamReader(attachment.Stdout!);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var shown = await reader.ReadToEndAsync(cts.Token);

        // The terminal echoes the input and ends lines with \r\n; tty(1) names the pseudo-terminal.
        Assert.Matches("^hi\r\n/dev/pts/\\d+\r\n30 100\r\ngot hi\r\n$", shown);
        var done = await host.WaitForStatusAsync(pod.Key, s => TestPods.Terminated(s) is not null, TestPods.Wait, "terminated");
        Assert.Equal(3, TestPods.Terminated(done)!.ExitCode);
    }

    private static async Task<string> ReadAtLeastAsync(Stream stream, int bytes)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var buffer = new byte[bytes];
        await stream.ReadExactlyAsync(buffer, cts.Token);
        return Encoding.UTF8.GetString(buffer);
    }
}

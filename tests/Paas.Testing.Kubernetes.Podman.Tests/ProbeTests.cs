namespace Paas.Testing.Kubernetes.Podman.Tests;

public sealed class ProbeTests
{
    [Fact]
    public async Task Tcp_readiness_fails_until_the_process_listens()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Web("slow") with { Args = ["sleep 3; exec httpd -f -p 5000 -h /www"] };

        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        var running = await host.WaitForStatusAsync(pod.Key, TestPods.IsRunning, TestPods.Wait, "running");
        var ready = await host.WaitForStatusAsync(pod.Key, s => s.Ready, TestPods.Wait, "ready");

        Assert.False(running.Ready);
        var ip = host.PodIp(pod.Key);
        Assert.Contains(("Warning", "Unhealthy", $"Readiness probe failed: dial tcp {ip}:5000: connect: connection refused"), host.Events(pod.Key));
        Assert.True(TestPods.IsRunning(ready));
    }

    [Fact]
    public async Task Http_readiness_follows_the_answer_both_ways()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Web("http-ready") with
        {
            Args = ["mkdir -p /tmp/www; echo ok > /tmp/www/ready; (sleep 4; rm /tmp/www/ready) & exec httpd -f -p 5000 -h /tmp/www"],
            Readiness = new FakeProbe(TcpPort: null, HttpPath: "/ready", HttpPort: 5000, PeriodSeconds: 1, FailureThreshold: 1),
        };

        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        await host.WaitForStatusAsync(pod.Key, s => s.Ready, TestPods.Wait, "ready");
        await host.WaitForEventAsync(pod.Key, "Unhealthy", TestPods.Wait, "Readiness probe failed: HTTP probe failed with statuscode: 404");
        var notReady = await host.WaitForStatusAsync(pod.Key, s => !s.Ready && TestPods.IsRunning(s) && host.Statuses(pod.Key).Any(x => x.Ready), TestPods.Wait, "not ready again");

        Assert.Equal(0, notReady.RestartCount);
    }
}

namespace Paas.Testing.Kubernetes.Podman.Tests;

public sealed class ImagePullTests
{
    [Fact]
    public async Task Unpullable_image_alternates_ErrImagePull_and_ImagePullBackOff_and_has_no_log()
    {
        await TestImage.RequireAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        const string Image = "127.0.0.1:9/nope:1"; // discard port: nothing listens
        var pod = TestPods.Shell("badimage", "true") with { Image = Image };

        await kubelet.StartPodAsync(pod, host, CancellationToken.None);
        var pullFailed = await host.WaitForStatusAsync(pod.Key, s => TestPods.WaitingReason(s) == "ErrImagePull", TestPods.Wait, "ErrImagePull");
        await host.WaitForStatusAsync(pod.Key, s => TestPods.WaitingReason(s) == "ImagePullBackOff", TestPods.Wait, "ImagePullBackOff");
        await host.WaitForStatusAsync(pod.Key, s => host.Statuses(pod.Key).Count(x => TestPods.WaitingReason(x) == "ErrImagePull") >= 2, TestPods.Wait, "second pull");

        var message = ((FakeContainerState.Waiting)pullFailed.State).Message!;
        Assert.StartsWith($"rpc error: code = Unknown desc = failed to pull and unpack image \"{Image}\": failed to resolve reference \"{Image}\": ", message, StringComparison.Ordinal);
        var backOff = host.Statuses(pod.Key).First(s => TestPods.WaitingReason(s) == "ImagePullBackOff");
        Assert.Equal($"Back-off pulling image \"{Image}\"", ((FakeContainerState.Waiting)backOff.State).Message);
        Assert.All(host.Statuses(pod.Key), s => Assert.Null(s.ImageId));
        var events = host.Events(pod.Key);
        Assert.Equal(("Normal", "Pulling", $"Pulling image \"{Image}\""), events[0]);
        Assert.Contains(("Warning", "Failed", $"Failed to pull image \"{Image}\": {message}"), events);
        Assert.Contains(("Warning", "Failed", "Error: ErrImagePull"), events);
        Assert.Contains(("Normal", "BackOff", $"Back-off pulling image \"{Image}\""), events);
        Assert.Contains(("Warning", "Failed", "Error: ImagePullBackOff"), events);

        var error = await Assert.ThrowsAsync<FakeKubeletException>(() => Logs.ReadAsync(kubelet, pod.Key, new FakeLogOptions()));
        Assert.Equal($"container \"main\" in pod \"{pod.Key.Name}\" is waiting to start: trying and failing to pull image", error.Message);
        await kubelet.StopPodAsync(pod.Key, TimeSpan.FromSeconds(1), CancellationToken.None);
    }
}

using System.Text.RegularExpressions;

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

    [Fact]
    public async Task Image_from_a_registry_with_basic_auth_is_pulled_with_the_pull_secret_and_reported_by_digest()
    {
        await TestImage.RequireAsync();
        await using var registry = await DockerRegistryServer.StartAsync();
        var repository = $"kubelet/app-{Guid.NewGuid().ToString("N")[..8]}";
        await registry.PushAsync(TestImage.Name, $"{repository}:1");
        var image = $"{registry.Host}/{repository}:1";
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var pod = TestPods.Shell("pull", "echo pulled", "Never") with
        {
            Image = image,
            PullAuth = new FakeRegistryAuth(registry.Host, DockerRegistryServer.User, DockerRegistryServer.Password),
        };

        try
        {
            await kubelet.StartPodAsync(pod, host, CancellationToken.None);
            var done = await host.WaitForStatusAsync(pod.Key, s => TestPods.Terminated(s) is not null, TestPods.Wait, "terminated");

            Assert.Equal("Completed", TestPods.Terminated(done)!.Reason);
            Assert.Matches($@"^{Regex.Escape(registry.Host)}/{repository}@sha256:[0-9a-f]{{64}}$", done.ImageId);
            var events = host.Events(pod.Key);
            Assert.Equal(("Normal", "Pulling", $"Pulling image \"{image}\""), events[0]);
            Assert.Matches($@"^Successfully pulled image ""{Regex.Escape(image)}"" in ([0-9.]+m?s) \(\1 including waiting\)$", events[1].Message);
        }
        finally
        {
            await ExternalTool.RunAsync("podman", TimeSpan.FromSeconds(30), "rmi", "--force", image);
        }
    }

    [Fact]
    public async Task Registry_answers_map_to_the_recorded_ErrImagePull_messages()
    {
        await TestImage.RequireAsync();
        await using var registry = await DockerRegistryServer.StartAsync();
        var host = new RecordingHost();
        await using var kubelet = new PodmanFakeKubelet(TestPods.FastOptions);
        var missing = $"{registry.Host}/kubelet/nope:1";
        var withAuth = TestPods.Shell("notfound", "true") with { Image = missing, PullAuth = new FakeRegistryAuth(registry.Host, DockerRegistryServer.User, DockerRegistryServer.Password) };
        var withoutAuth = TestPods.Shell("noauth", "true") with { Image = missing };

        await kubelet.StartPodAsync(withAuth, host, CancellationToken.None);
        await kubelet.StartPodAsync(withoutAuth, host, CancellationToken.None);
        var notFound = await host.WaitForStatusAsync(withAuth.Key, s => TestPods.WaitingReason(s) == "ErrImagePull", TestPods.Wait, "ErrImagePull");
        var unauthorized = await host.WaitForStatusAsync(withoutAuth.Key, s => TestPods.WaitingReason(s) == "ErrImagePull", TestPods.Wait, "ErrImagePull");

        Assert.Equal(
            $"rpc error: code = NotFound desc = failed to pull and unpack image \"{missing}\": failed to resolve reference \"{missing}\": {missing}: not found",
            ((FakeContainerState.Waiting)notFound.State).Message);
        Assert.EndsWith("401 Unauthorized", ((FakeContainerState.Waiting)unauthorized.State).Message, StringComparison.Ordinal);
    }
}

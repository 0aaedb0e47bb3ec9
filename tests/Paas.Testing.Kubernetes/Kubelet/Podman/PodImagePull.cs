using System.Diagnostics;

namespace Paas.Testing.Kubernetes.Kubelet.Podman;

/// <summary>
/// The image step of a pod's start (02f, 07b, 07d): <c>already present on machine</c>, or <c>Pulling</c> then
/// <c>Pulled</c>; a failed pull reports <c>ErrImagePull</c>, then after the back-off <c>ImagePullBackOff</c>, then pulls
/// again after the same back-off, doubling each time. The phase stays Pending meanwhile.
/// </summary>
internal sealed class PodImagePull(FakePodSpec pod, PodmanCli cli, PodStatusReporter status)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var puller = new ImagePuller(cli);
        var image = pod.Image;
        if (await puller.IsPresentAsync(image, cancellationToken))
        {
            status.Event("Normal", "Pulled", $"Container image \"{image}\" already present on machine");
        }
        else
        {
            await PullUntilDoneAsync(puller, image, cancellationToken);
        }

        status.ImagePulled(await puller.ImageIdAsync(image, cancellationToken));
    }

    private async Task PullUntilDoneAsync(ImagePuller puller, string image, CancellationToken cancellationToken)
    {
        for (var step = 0; ; step++)
        {
            status.Event("Normal", "Pulling", $"Pulling image \"{image}\"");
            var watch = Stopwatch.StartNew();
            var result = await puller.PullAsync(image, pod.PullAuth, cancellationToken);
            if (result.ExitCode == 0)
            {
                var took = GoDuration.Format(TimeSpan.FromMilliseconds(Math.Round(watch.Elapsed.TotalMilliseconds)));
                status.Event("Normal", "Pulled", $"Successfully pulled image \"{image}\" in {took} ({took} including waiting)");
                return;
            }

            var message = PullMessages.ErrImagePull(image, result.ErrorLine);
            status.Event("Warning", "Failed", $"Failed to pull image \"{image}\": {message}");
            status.Event("Warning", "Failed", "Error: ErrImagePull");
            status.Waiting("ErrImagePull", message);
            var options = cli.Options;
            var delay = options.ImagePullBackOffBase * Math.Pow(2, Math.Min(step, 30));
            delay = delay < options.MaxBackOff ? delay : options.MaxBackOff;
            await Task.Delay(delay, cancellationToken);
            status.Event("Normal", "BackOff", PullMessages.BackOff(image));
            status.Event("Warning", "Failed", "Error: ImagePullBackOff");
            status.Waiting("ImagePullBackOff", PullMessages.BackOff(image));
            await Task.Delay(delay, cancellationToken);
        }
    }
}

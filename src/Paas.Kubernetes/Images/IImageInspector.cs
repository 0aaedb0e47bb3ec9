namespace Paas.Kubernetes.Images;

/// <summary>Tells how an image starts, so the scheduler can pass each process type's command the right way and route to the right port.</summary>
public interface IImageInspector
{
    /// <summary>How <paramref name="image"/> starts.</summary>
    /// <param name="image">The image reference, pinned by digest.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>For images the builder made on the stack, the launcher; <see cref="ImageStart.Unknown"/> when the image cannot be read.</returns>
    Task<ImageStart> InspectAsync(string image, CancellationToken cancellationToken);
}

/// <summary>How an image starts.</summary>
/// <param name="Launcher">Whether its entrypoint is the platform's launcher (<see cref="KubernetesOptions.LauncherPath"/>): a command is then its argument.</param>
/// <param name="ExposedPort">The one TCP port it exposes (<see cref="Paas.Scheduling.ImagePorts.Web"/>: a Dockerfile's <c>EXPOSE</c>), which its web
/// processes then listen on as <c>PORT</c>; null: <see cref="KubernetesOptions.WebPort"/>.</param>
public sealed record ImageStart(bool Launcher, int? ExposedPort = null)
{
    /// <summary>An image that could not be read: no launcher, the default port.</summary>
    public static ImageStart Unknown { get; } = new(false);

    /// <summary>The web port: <see cref="ExposedPort"/>, else <paramref name="options"/>' <see cref="KubernetesOptions.WebPort"/>.</summary>
    public int WebPort(KubernetesOptions options) => ExposedPort ?? options.WebPort;
}

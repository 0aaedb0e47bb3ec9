namespace Paas.Kubernetes.Images;

/// <summary>Tells how an image starts, so the scheduler can pass each process type's command the right way.</summary>
public interface IImageInspector
{
    /// <summary>Whether the image's entrypoint is the platform's launcher (<see cref="KubernetesOptions.LauncherPath"/>).</summary>
    /// <param name="image">The image reference, pinned by digest.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>True for images the builder made on the stack; false for any other image, or when the image cannot be read.</returns>
    Task<bool> UsesLauncherAsync(string image, CancellationToken cancellationToken);
}

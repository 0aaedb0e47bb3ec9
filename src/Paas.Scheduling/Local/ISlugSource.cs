namespace Paas.Scheduling.Local;

/// <summary>Turns an image reference into an unpacked slug on this machine (the seam between the runtime and the registry).</summary>
public interface ISlugSource
{
    /// <summary>Makes the image's slug available locally, unpacking it once per digest.</summary>
    /// <param name="app">The app the image is pulled for: an image in another registry is pulled with the app's login to it (<see cref="IAppRegistryLogins"/>).</param>
    /// <param name="image">The image reference, e.g. <c>127.0.0.1:5000/hello@sha256:...</c>.</param>
    /// <param name="cancellationToken">Cancels the pull.</param>
    /// <returns>The slug's app folder (<c>/app</c> of the image), or the reason it could not be made available.</returns>
    Task<SlugResult> PrepareAsync(string app, string image, CancellationToken cancellationToken);

    /// <summary>Removes unpacked slugs that none of <paramref name="inUse"/> needs.</summary>
    /// <param name="inUse">The image references of every release that is kept (running or being deployed).</param>
    /// <param name="cancellationToken">Cancels the sweep.</param>
    /// <returns>A task.</returns>
    Task PruneAsync(IReadOnlyCollection<string> inUse, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the unpacked slug of <paramref name="image"/> from a builder in this process that has just built and pushed it
    /// (so the first deploy need not pull, check and unpack what is on this disk already). The default takes nothing.
    /// </summary>
    /// <param name="image">The image, pinned by its manifest digest.</param>
    /// <param name="slugDirectory">The folder that is <c>/app</c> in the image; moved away when taken.</param>
    /// <param name="cancellationToken">Cancels the wait for the source.</param>
    /// <returns>True when taken.</returns>
    Task<bool> AdoptAsync(string image, string slugDirectory, CancellationToken cancellationToken) => Task.FromResult(false);
}

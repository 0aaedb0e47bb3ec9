namespace Paas.Builder;

/// <summary>
/// Where a builder running in the same process as the local process runtime hands over the slug it just built and pushed,
/// so the runtime need not pull back, check and unpack the layers it has on disk already (the embedded default: one
/// <c>paasd</c>). Any other arrangement (the builder alone, the Kubernetes scheduler) keeps the default, which takes
/// nothing: the runtime then pulls the image from the registry as usual.
/// </summary>
public interface ISlugHandOff
{
    /// <summary>
    /// Offers the built slug of <paramref name="image"/>. The builder computed the image's layer digests from these very
    /// files, no buildpack process writes to them any more, and it no longer needs them; the taker moves the folder away or
    /// leaves it (the builder deletes what is left with the push's folder).
    /// </summary>
    /// <param name="app">The app the image was built for.</param>
    /// <param name="image">The pushed image, pinned by its manifest digest (<c>HOST/APP@sha256:...</c>).</param>
    /// <param name="slugDirectory">The slug: the folder that is <c>/app</c> in the image.</param>
    /// <param name="cancellationToken">Cancels the hand-over.</param>
    /// <returns>True when the slug was taken.</returns>
    Task<bool> OfferAsync(string app, string image, string slugDirectory, CancellationToken cancellationToken);
}

/// <summary>The default <see cref="ISlugHandOff"/>: takes nothing.</summary>
internal sealed class NoSlugHandOff : ISlugHandOff
{
    public Task<bool> OfferAsync(string app, string image, string slugDirectory, CancellationToken cancellationToken) => Task.FromResult(false);
}

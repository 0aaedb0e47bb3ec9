using Paas.Builder;
using Paas.Scheduling.Local;

namespace Paas.Server;

/// <summary>
/// The builder's slug goes straight to the local runtime when both run in this process (the embedded default): see
/// <see cref="ISlugHandOff"/> and <see cref="ISlugSource.AdoptAsync"/>.
/// </summary>
internal sealed class LocalSlugHandOff(ISlugSource slugs) : ISlugHandOff
{
    public Task<bool> OfferAsync(string app, string image, string slugDirectory, CancellationToken cancellationToken) =>
        slugs.AdoptAsync(image, slugDirectory, cancellationToken);
}

using Paas.Controller;
using Paas.Scheduling;

namespace Paas.Server;

/// <summary>
/// The Kubernetes scheduler's <see cref="IAppPullCredentials"/>: an app's pull-only credential (<see cref="AppPullCredentials"/>)
/// for the platform's own registry under any of its names (<see cref="PlatformRegistry"/>), and nothing for another host,
/// which must never receive it (images there are pulled with the app's own login, <c>paas registry:login</c>).
/// </summary>
/// <param name="pulls">Makes the per-app credentials.</param>
/// <param name="registry">The platform registry's names.</param>
internal sealed class PlatformPullCredentials(AppPullCredentials pulls, PlatformRegistry registry) : IAppPullCredentials
{
    /// <inheritdoc />
    public RegistryPullCredential? For(string app, string host) => registry.Names(host) ? pulls.For(app, host) : null;
}

namespace Paas.Registry.Auth;

/// <summary>The default until the platform registers its own policy: nothing is allowed.</summary>
internal sealed class DenyAllAccessPolicy : IRegistryAccessPolicy
{
    public ValueTask<bool> IsAllowedAsync(RegistryPrincipal principal, string repository, RegistryAction action, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(false);
}

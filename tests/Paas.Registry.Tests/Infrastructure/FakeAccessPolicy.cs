using Paas.Registry.Auth;

namespace Paas.Registry.Tests.Infrastructure;

/// <summary>
/// A user owns the apps named after them (<c>alice</c>, <c>alice-*</c>); repositories are
/// <c>APP</c> or <c>APP/...</c>; the service credential may do anything.
/// </summary>
public sealed class FakeAccessPolicy : IRegistryAccessPolicy
{
    public ValueTask<bool> IsAllowedAsync(RegistryPrincipal principal, string repository, RegistryAction action, CancellationToken cancellationToken = default)
    {
        if (principal.Name == FakeCredentialValidator.ServiceUser)
        {
            return ValueTask.FromResult(true);
        }

        var slash = repository.IndexOf('/', StringComparison.Ordinal);
        var app = slash < 0 ? repository : repository[..slash];
        return ValueTask.FromResult(app == principal.Name || app.StartsWith(principal.Name + "-", StringComparison.Ordinal));
    }
}

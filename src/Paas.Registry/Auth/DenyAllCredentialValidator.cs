namespace Paas.Registry.Auth;

/// <summary>The default until the platform registers its own validator: nobody gets in.</summary>
internal sealed class DenyAllCredentialValidator : IRegistryCredentialValidator
{
    public ValueTask<RegistryPrincipal?> ValidateAsync(string username, string secret, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<RegistryPrincipal?>(null);
}

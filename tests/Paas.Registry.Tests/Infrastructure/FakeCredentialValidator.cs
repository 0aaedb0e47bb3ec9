using Paas.Registry.Auth;

namespace Paas.Registry.Tests.Infrastructure;

/// <summary>Users <c>alice</c>, <c>bob</c> (secret: <c>NAME-token</c>) and the service credential <c>builder</c>/<c>service-token</c>.</summary>
public sealed class FakeCredentialValidator : IRegistryCredentialValidator
{
    public const string ServiceUser = "builder";
    public const string ServiceSecret = "service-token";

    public int Calls;

    public ValueTask<RegistryPrincipal?> ValidateAsync(string username, string secret, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref Calls);
        var ok = (username, secret) switch
        {
            ("alice", "alice-token") => true,
            ("bob", "bob-token") => true,
            (ServiceUser, ServiceSecret) => true,
            _ => false,
        };
        return ValueTask.FromResult(ok ? new RegistryPrincipal(username) : null);
    }
}

using Paas.Registry.Auth;

namespace Paas.Registry.Tests.Infrastructure;

/// <summary>
/// Credentials and grants a test can change while the registry runs: <c>NAME</c>/<c>NAME-token</c> is valid until
/// revoked; a principal may act on the repositories it was granted. Counts the calls the registry makes.
/// </summary>
public sealed class RevocableAccess : IRegistryCredentialValidator, IRegistryAccessPolicy
{
    private readonly HashSet<string> _revokedUsers = [];
    private readonly HashSet<(string User, string Repository)> _grants = [];
    private int _validations;
    private int _decisions;

    public int Validations => Volatile.Read(ref _validations);

    public int Decisions => Volatile.Read(ref _decisions);

    public void Grant(string user, string repository)
    {
        lock (_grants)
        {
            _grants.Add((user, repository));
        }
    }

    public void Revoke(string user, string repository)
    {
        lock (_grants)
        {
            _grants.Remove((user, repository));
        }
    }

    public void RevokeToken(string user)
    {
        lock (_revokedUsers)
        {
            _revokedUsers.Add(user);
        }
    }

    public ValueTask<RegistryPrincipal?> ValidateAsync(string username, string secret, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _validations);
        bool revoked;
        lock (_revokedUsers)
        {
            revoked = _revokedUsers.Contains(username);
        }

        return ValueTask.FromResult(!revoked && secret == username + "-token" ? new RegistryPrincipal(username) : null);
    }

    public ValueTask<bool> IsAllowedAsync(RegistryPrincipal principal, string repository, RegistryAction action, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _decisions);
        lock (_grants)
        {
            return ValueTask.FromResult(_grants.Contains((principal.Name, repository)));
        }
    }
}

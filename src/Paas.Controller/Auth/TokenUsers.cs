using Paas.Data;
using Paas.Domain;

namespace Paas.Controller;

/// <summary>
/// Finds the user an API token belongs to, for every part that accepts tokens (the API, the registry, the git endpoint
/// through the API): the token must be known and its user active; a directory user's account and teams are read again
/// first when the last read is older than the refresh interval (see <see cref="DirectoryAccounts.RefreshIfDueAsync"/>).
/// </summary>
public sealed class TokenUsers
{
    private readonly UserStore _users;
    private readonly DirectoryAccounts _directory;

    /// <summary>Creates the service.</summary>
    /// <param name="users">The user store.</param>
    /// <param name="directory">Refreshes directory users.</param>
    public TokenUsers(UserStore users, DirectoryAccounts directory)
    {
        _users = users;
        _directory = directory;
    }

    /// <summary>The active user holding <paramref name="token"/>.</summary>
    /// <param name="token">The API token as presented.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The user, or null when the token is unknown or revoked, or its user disabled (on the platform or in the directory).</returns>
    /// <exception cref="Paas.Ldap.DirectoryUnavailableException">A directory user is due a refresh and the directory has been unreachable for longer than the outage grace.</exception>
    public async Task<User?> FindAsync(string token, CancellationToken cancellationToken)
    {
        var user = await _users.FindByTokenAsync(ApiToken.Hash(token), cancellationToken).ConfigureAwait(false);
        return user is null ? null : await _directory.RefreshIfDueAsync(user, cancellationToken).ConfigureAwait(false);
    }
}

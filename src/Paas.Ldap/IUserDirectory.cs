namespace Paas.Ldap;

/// <summary>
/// An external directory of users and groups (LDAP, Active Directory). Implementations are thread-safe; every call opens
/// its own connection, tries the configured servers in order and throws <see cref="DirectoryUnavailableException"/> when
/// none can answer.
/// </summary>
public interface IUserDirectory
{
    /// <summary>Whether a directory is configured at all.</summary>
    bool Enabled { get; }

    /// <summary>
    /// Checks a login name and password: finds the entry with the user filter, binds as it, reads its groups, and admits
    /// the account only when it is not the service account, its state allows it (not disabled, expired, locked out or
    /// due to change its password) and it is in <see cref="LdapOptions.RequiredGroup"/> when one is set.
    /// </summary>
    /// <param name="login">
    /// What the person typed (a uid, sAMAccountName or userPrincipalName, per the filter, or <c>DOMAIN\login</c> of
    /// <see cref="LdapOptions.EffectiveDomain"/> with the <c>active_directory</c> flavor); escaped here. A login holding a
    /// control character is refused as invalid credentials.
    /// </param>
    /// <param name="password">The password; an empty one is refused without binding (RFC 4513 section 5.1.2: it would be an unauthenticated bind).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The outcome, with the account on success.</returns>
    /// <exception cref="DirectoryUnavailableException">No server answered, the service bind failed, or the configuration does not fit.</exception>
    Task<DirectorySignIn> SignInAsync(string login, string password, CancellationToken cancellationToken);

    /// <summary>
    /// Reads a known user again, by DN: the entry must still exist, still match the user filter and still be admitted by
    /// the same rule as <see cref="SignInAsync"/> (so a disabled, expired, locked-out or must-change-password AD account,
    /// or one taken out of the required group, drops out), and its groups are read anew.
    /// </summary>
    /// <param name="dn">The DN recorded at sign-in.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The account, or null when it is gone, moved, excluded by the filter or no longer admitted.</returns>
    /// <exception cref="DirectoryUnavailableException">No server answered, the service bind failed, or the configuration does not fit.</exception>
    Task<DirectoryAccount?> RefreshAsync(string dn, CancellationToken cancellationToken);

    /// <summary>Finds a group by name under the group base (for sharing an app with a directory team before any member signed in).</summary>
    /// <param name="name">The group's name (<c>cn</c>); escaped here.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The group, or null.</returns>
    /// <exception cref="DirectoryUnavailableException">No server answered, the service bind failed, or the configuration does not fit.</exception>
    Task<DirectoryGroup?> FindGroupAsync(string name, CancellationToken cancellationToken);
}

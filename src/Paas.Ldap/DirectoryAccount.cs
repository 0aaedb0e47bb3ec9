namespace Paas.Ldap;

/// <summary>A directory user as the platform sees it after a sign-in or a refresh.</summary>
/// <param name="Dn">The entry's distinguished name, as the directory returned it.</param>
/// <param name="Username">The value of the username attribute (<c>uid</c>, <c>sAMAccountName</c>), lower-cased.</param>
/// <param name="Email">The e-mail address, if the entry has one.</param>
/// <param name="DisplayName">The display name (or <c>cn</c>), if any.</param>
/// <param name="Groups">The groups the user belongs to that are teams (see <see cref="LdapOptions.TeamPrefix"/>), nested ones included when <see cref="LdapOptions.NestedGroups"/> is on or AD's in-chain rule finds them.</param>
/// <param name="IsAdmin">Whether the user is in <see cref="LdapOptions.AdminGroup"/> (directly or nested), a team or not.</param>
public sealed record DirectoryAccount(string Dn, string Username, string? Email, string? DisplayName, IReadOnlyList<DirectoryGroup> Groups, bool IsAdmin);

/// <summary>A directory group, which the platform maps to a team of the same (lower-cased) name.</summary>
/// <param name="Dn">The group's distinguished name.</param>
/// <param name="Name">The value of <see cref="LdapOptions.GroupNameAttribute"/> (<c>cn</c>), lower-cased.</param>
public sealed record DirectoryGroup(string Dn, string Name);

/// <summary>How a directory sign-in ended, short of the directory being unreachable (which throws <see cref="DirectoryUnavailableException"/>).</summary>
public enum DirectorySignInOutcome
{
    /// <summary>The password is right; <see cref="DirectorySignIn.Account"/> is set.</summary>
    Success,

    /// <summary>No entry matches the user filter (unknown, or excluded by it, e.g. a disabled AD account).</summary>
    UnknownUser,

    /// <summary>
    /// The entry exists but the bind with the given password failed (LDAP result 49), or the password was empty. AD also
    /// refuses binds of disabled, expired, locked-out and must-change-password accounts this way;
    /// <see cref="DirectorySignIn.Reason"/> then says which, from AD's <c>data</c> code, for the log only.
    /// </summary>
    InvalidCredentials,

    /// <summary>
    /// The account may not use the platform, with <see cref="DirectorySignIn.Reason"/> saying why: the directory accepted
    /// the password but the account is the platform's own service account, is not in <see cref="LdapOptions.RequiredGroup"/>,
    /// or its state refuses it (disabled, expired, locked out, password must change: MS-ADTS userAccountControl and
    /// account attributes); or the login names another Windows domain than <see cref="LdapOptions.EffectiveDomain"/>.
    /// </summary>
    NotPermitted,
}

/// <summary>The result of <see cref="IUserDirectory.SignInAsync"/>.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="Account">The account, on success.</param>
/// <param name="Reason">Why the sign-in was refused, written for the person signing in, when known (always for <see cref="DirectorySignInOutcome.NotPermitted"/>).</param>
public sealed record DirectorySignIn(DirectorySignInOutcome Outcome, DirectoryAccount? Account = null, string? Reason = null);

/// <summary>
/// The directory cannot answer: every server is down or unreachable, the service bind is refused, or the configuration
/// does not fit the directory (a search base that does not exist, a filter it rejects). The message is written for the
/// platform's admin and never contains a password; the API answers 503 with it.
/// </summary>
public sealed class DirectoryUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to check.</param>
    /// <param name="inner">The LDAP error behind it.</param>
    public DirectoryUnavailableException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception with a default message.</summary>
    public DirectoryUnavailableException()
        : this("the directory is unavailable")
    {
    }

    /// <summary>Creates the exception.</summary>
    /// <param name="message">What is wrong and what to check.</param>
    public DirectoryUnavailableException(string message)
        : this(message, null)
    {
    }
}

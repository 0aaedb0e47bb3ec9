namespace Paas.Domain;

/// <summary>A platform user.</summary>
/// <param name="Id">The user's id (a UUID string).</param>
/// <param name="Username">The login name (see <see cref="Domain.Username"/>).</param>
/// <param name="Email">E-mail address, if known.</param>
/// <param name="PasswordHash">The password's hash in ASP.NET Core Identity's versioned format (PBKDF2), or null for directory users.</param>
/// <param name="IsAdmin">Whether the user is a platform admin.</param>
/// <param name="IsActive">False once the account is disabled: its tokens stop working.</param>
/// <param name="CreatedAt">When the account was created.</param>
public sealed record User(string Id, string Username, string? Email, string? PasswordHash, bool IsAdmin, bool IsActive, DateTimeOffset CreatedAt)
{
    /// <summary>Where the account is checked: <see cref="UserSource.Local"/> (default) or <see cref="UserSource.Directory"/>.</summary>
    public UserSource Source { get; init; } = UserSource.Local;

    /// <summary>The display name read from the directory, if any.</summary>
    public string? DisplayName { get; init; }

    /// <summary>The directory entry's DN, for directory users once they signed in.</summary>
    public string? DirectoryDn { get; init; }

    /// <summary>When the directory account and its groups were last read (directory users), else null.</summary>
    public DateTimeOffset? SyncedAt { get; init; }
}

/// <summary>Where a user's password is checked.</summary>
public enum UserSource
{
    /// <summary>The platform's own users: the password hash is kept by the platform (the bootstrap admin is one).</summary>
    Local,

    /// <summary>LDAP or Active Directory: the password is checked by binding to the directory; groups become teams.</summary>
    Directory,
}

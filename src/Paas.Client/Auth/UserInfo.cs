namespace Paas.Client;

/// <summary>A platform user, as <c>GET /v2/auth/whoami</c>, <c>POST /v2/auth/register</c> and <c>GET /v2/users</c> answer.</summary>
/// <param name="Username">The login name.</param>
/// <param name="Email">E-mail address, if known.</param>
/// <param name="IsAdmin">Whether the user is a platform admin (admin of every app).</param>
/// <param name="CreatedAt">When the account was created.</param>
/// <param name="Source"><c>local</c> (password kept by the platform) or <c>directory</c> (LDAP/Active Directory).</param>
/// <param name="DisplayName">The display name from the directory, if any.</param>
/// <param name="IsActive">False when the account is disabled (for directory users: gone or disabled in the directory).</param>
/// <param name="Teams">The teams the user belongs to, by name (null when not asked for).</param>
/// <param name="SyncedAt">For directory users: when the account and its groups were last read from the directory.</param>
public sealed record UserInfo(
    string Username,
    string? Email,
    bool IsAdmin,
    DateTimeOffset CreatedAt,
    string Source = "local",
    string? DisplayName = null,
    bool IsActive = true,
    IReadOnlyList<string>? Teams = null,
    DateTimeOffset? SyncedAt = null);

namespace Paas.Client;

/// <summary>A platform user, as <c>GET /v2/auth/whoami</c> and <c>POST /v2/auth/register</c> answer.</summary>
/// <param name="Username">The login name.</param>
/// <param name="Email">E-mail address, if known.</param>
/// <param name="IsAdmin">Whether the user is a platform admin (admin of every app).</param>
/// <param name="CreatedAt">When the account was created.</param>
public sealed record UserInfo(string Username, string? Email, bool IsAdmin, DateTimeOffset CreatedAt);

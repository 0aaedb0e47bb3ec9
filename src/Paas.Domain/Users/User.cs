namespace Paas.Domain;

/// <summary>A platform user.</summary>
/// <param name="Id">The user's id (a UUID string).</param>
/// <param name="Username">The login name (see <see cref="Domain.Username"/>).</param>
/// <param name="Email">E-mail address, if known.</param>
/// <param name="PasswordHash">The password's hash in ASP.NET Core Identity's versioned format (PBKDF2), or null for directory users.</param>
/// <param name="IsAdmin">Whether the user is a platform admin.</param>
/// <param name="IsActive">False once the account is disabled: its tokens stop working.</param>
/// <param name="CreatedAt">When the account was created.</param>
public sealed record User(string Id, string Username, string? Email, string? PasswordHash, bool IsAdmin, bool IsActive, DateTimeOffset CreatedAt);

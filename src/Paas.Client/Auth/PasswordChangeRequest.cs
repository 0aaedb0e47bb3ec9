namespace Paas.Client;

/// <summary>Body of <c>POST /v2/auth/passwd</c>.</summary>
/// <param name="Password">The caller's current password (not needed when an admin changes another user's password).</param>
/// <param name="NewPassword">The new password, at least 8 characters.</param>
/// <param name="Username">Whose password to change; defaults to the caller's. Only admins may name another user.</param>
public sealed record PasswordChangeRequest(string? Password, string NewPassword, string? Username = null);

namespace Paas.Client;

/// <summary>Body of <c>POST /v2/auth/register</c>. The first user to register becomes a platform admin.</summary>
/// <param name="Username">Login name: 1-64 characters of lower-case letters, digits, '.', '_', '-', starting with a letter or digit.</param>
/// <param name="Password">At least 8 characters.</param>
/// <param name="Email">Optional e-mail address.</param>
public sealed record RegisterRequest(string Username, string Password, string? Email = null);

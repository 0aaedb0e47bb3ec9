namespace Paas.Client;

/// <summary>Body of <c>POST /v2/auth/login</c>.</summary>
/// <param name="Username">The login name.</param>
/// <param name="Password">The password.</param>
public sealed record LoginRequest(string Username, string Password);

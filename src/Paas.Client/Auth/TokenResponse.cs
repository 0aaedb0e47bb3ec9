namespace Paas.Client;

/// <summary>
/// A newly issued API token (from login or regeneration). The platform keeps only its hash: this is the
/// one time it is shown. Send it as <c>Authorization: token &lt;token&gt;</c> or <c>Bearer &lt;token&gt;</c>.
/// </summary>
/// <param name="Token">The token: <c>paas_</c> followed by 43 base64url characters (256 random bits).</param>
/// <param name="Username">Whose token it is.</param>
public sealed record TokenResponse(string Token, string Username);

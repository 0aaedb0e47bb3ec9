using System.Text.Json.Serialization;

namespace Paas.Registry.Api;

/// <summary>The token endpoint's body (Docker token authentication specification).</summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("issued_at")] string IssuedAt);

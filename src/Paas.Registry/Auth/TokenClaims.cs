using System.Text.Json.Serialization;

namespace Paas.Registry.Auth;

/// <summary>The payload of a registry bearer token (a JWT signed with HS256), Docker token spec "access" claim included.</summary>
internal sealed record TokenClaims
{
    [JsonPropertyName("iss")]
    public required string Issuer { get; init; }

    [JsonPropertyName("sub")]
    public required string Subject { get; init; }

    [JsonPropertyName("aud")]
    public required string Audience { get; init; }

    [JsonPropertyName("exp")]
    public long ExpiresAt { get; init; }

    [JsonPropertyName("nbf")]
    public long NotBefore { get; init; }

    [JsonPropertyName("iat")]
    public long IssuedAt { get; init; }

    [JsonPropertyName("jti")]
    public required string Id { get; init; }

    [JsonPropertyName("access")]
    public required IReadOnlyList<TokenAccess> Access { get; init; }
}

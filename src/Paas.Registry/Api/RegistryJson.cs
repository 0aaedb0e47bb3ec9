using System.Text.Json.Serialization;

namespace Paas.Registry.Api;

/// <summary>The error body of the OCI distribution spec ("Error Codes").</summary>
internal sealed record ErrorBody([property: JsonPropertyName("errors")] IReadOnlyList<ErrorEntry> Errors);

/// <summary>One error of <see cref="ErrorBody"/>.</summary>
internal sealed record ErrorEntry(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("detail")] string? Detail);

/// <summary>The <c>tags/list</c> body.</summary>
internal sealed record TagList(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags);

/// <summary>The <c>_catalog</c> body.</summary>
internal sealed record CatalogBody([property: JsonPropertyName("repositories")] IReadOnlyList<string> Repositories);

/// <summary>The token endpoint's body (Docker token authentication specification).</summary>
internal sealed record TokenResponse(
    [property: JsonPropertyName("token")] string Token,
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("issued_at")] string IssuedAt);

/// <summary>The JSON context of the registry's own bodies.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(TagList))]
[JsonSerializable(typeof(CatalogBody))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(Auth.TokenClaims))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;

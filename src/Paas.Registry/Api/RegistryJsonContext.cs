using System.Text.Json.Serialization;

namespace Paas.Registry.Api;

/// <summary>The JSON context of the registry's own bodies.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(TagList))]
[JsonSerializable(typeof(CatalogBody))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(Auth.TokenClaims))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;

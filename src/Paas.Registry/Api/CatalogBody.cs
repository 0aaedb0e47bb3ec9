using System.Text.Json.Serialization;

namespace Paas.Registry.Api;

/// <summary>The <c>_catalog</c> body.</summary>
internal sealed record CatalogBody([property: JsonPropertyName("repositories")] IReadOnlyList<string> Repositories);

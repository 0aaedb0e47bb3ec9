using System.Text.Json.Serialization;

namespace Paas.Registry.Api;

/// <summary>The <c>tags/list</c> body.</summary>
internal sealed record TagList(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("tags")] IReadOnlyList<string> Tags);

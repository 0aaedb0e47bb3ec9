using System.Text.Json.Serialization;

namespace Paas.Registry.Api;

/// <summary>One error of <see cref="ErrorBody"/>.</summary>
internal sealed record ErrorEntry(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("detail")] string? Detail);

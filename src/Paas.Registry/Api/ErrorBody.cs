using System.Text.Json.Serialization;

namespace Paas.Registry.Api;

/// <summary>The error body of the OCI distribution spec ("Error Codes").</summary>
internal sealed record ErrorBody([property: JsonPropertyName("errors")] IReadOnlyList<ErrorEntry> Errors);

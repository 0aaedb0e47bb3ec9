using System.Text.Json.Serialization;

namespace Paas.Oci;

/// <summary>The platform an image runs on (OCI image spec, image-index.md, "platform").</summary>
public sealed record Platform
{
    /// <summary>CPU architecture, Go's <c>GOARCH</c> values: <c>amd64</c>, <c>arm64</c>, ...</summary>
    [JsonPropertyName("architecture")]
    public required string Architecture { get; init; }

    /// <summary>Operating system, Go's <c>GOOS</c> values: <c>linux</c>, ...</summary>
    [JsonPropertyName("os")]
    public required string Os { get; init; }

    /// <summary>Optional OS version.</summary>
    [JsonPropertyName("os.version")]
    public string? OsVersion { get; init; }

    /// <summary>Optional CPU variant, e.g. <c>v8</c>.</summary>
    [JsonPropertyName("variant")]
    public string? Variant { get; init; }
}

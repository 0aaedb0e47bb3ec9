using System.Text.Json.Serialization;

namespace Paas.Oci;

/// <summary>
/// The image configuration (OCI image spec, config.md): platform, run defaults and the layer diff ids.
/// </summary>
public sealed record ImageConfig
{
    /// <summary>Creation time, RFC 3339.</summary>
    [JsonPropertyName("created")]
    public DateTimeOffset? Created { get; init; }

    /// <summary>CPU architecture (<c>amd64</c>, ...).</summary>
    [JsonPropertyName("architecture")]
    public required string Architecture { get; init; }

    /// <summary>Operating system (<c>linux</c>).</summary>
    [JsonPropertyName("os")]
    public required string Os { get; init; }

    /// <summary>Run defaults of a container started from the image.</summary>
    [JsonPropertyName("config")]
    public ImageRunConfig? Config { get; init; }

    /// <summary>The uncompressed layer digests.</summary>
    [JsonPropertyName("rootfs")]
    public required ImageRootFs RootFs { get; init; }
}

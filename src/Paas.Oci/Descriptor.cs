using System.Text.Json.Serialization;

namespace Paas.Oci;

/// <summary>
/// A content descriptor (OCI image spec, descriptor.md): what a piece of content is, its digest and
/// its size in bytes.
/// </summary>
public sealed record Descriptor
{
    /// <summary>The media type of the referenced content.</summary>
    [JsonPropertyName("mediaType")]
    public required string MediaType { get; init; }

    /// <summary>The digest of the referenced content.</summary>
    [JsonPropertyName("digest")]
    public required Digest Digest { get; init; }

    /// <summary>The size of the referenced content in bytes.</summary>
    [JsonPropertyName("size")]
    public required long Size { get; init; }

    /// <summary>Optional URLs the content may also be fetched from.</summary>
    [JsonPropertyName("urls")]
    public IReadOnlyList<string>? Urls { get; init; }

    /// <summary>Optional annotations (string to string).</summary>
    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }

    /// <summary>Optional type of an artifact when the descriptor points to an artifact manifest.</summary>
    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    /// <summary>Optional platform, for entries of an image index.</summary>
    [JsonPropertyName("platform")]
    public Platform? Platform { get; init; }
}

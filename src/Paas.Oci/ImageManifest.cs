using System.Text.Json.Serialization;

namespace Paas.Oci;

/// <summary>
/// An OCI image manifest (OCI image spec, manifest.md); the same shape also reads a Docker image
/// manifest v2 schema 2, whose <see cref="MediaType"/> is <see cref="MediaTypes.DockerManifest"/>.
/// </summary>
public sealed record ImageManifest
{
    /// <summary>Always 2.</summary>
    [JsonPropertyName("schemaVersion")]
    public int SchemaVersion { get; init; } = 2;

    /// <summary>The manifest's media type; optional in OCI, required in Docker schema 2.</summary>
    [JsonPropertyName("mediaType")]
    public string? MediaType { get; init; } = MediaTypes.OciManifest;

    /// <summary>The artifact type when this manifest describes an artifact rather than an image.</summary>
    [JsonPropertyName("artifactType")]
    public string? ArtifactType { get; init; }

    /// <summary>The image configuration blob.</summary>
    [JsonPropertyName("config")]
    public required Descriptor Config { get; init; }

    /// <summary>The layers, base first.</summary>
    [JsonPropertyName("layers")]
    public required IReadOnlyList<Descriptor> Layers { get; init; }

    /// <summary>The manifest this one refers to (referrers API, OCI distribution spec v1.1).</summary>
    [JsonPropertyName("subject")]
    public Descriptor? Subject { get; init; }

    /// <summary>Optional annotations.</summary>
    [JsonPropertyName("annotations")]
    public IReadOnlyDictionary<string, string>? Annotations { get; init; }
}

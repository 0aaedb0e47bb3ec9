using System.Text.Json;

namespace Paas.Oci;

/// <summary>
/// Serializes the OCI models to the exact bytes that get digested: compact UTF-8 JSON, null
/// fields omitted. A manifest's digest is the digest of these bytes, so hash the result, never a re-serialization.
/// </summary>
public static class OciJson
{
    /// <summary>Serializes an image manifest.</summary>
    /// <param name="manifest">The manifest.</param>
    /// <returns>UTF-8 JSON bytes.</returns>
    public static byte[] Serialize(ImageManifest manifest) => JsonSerializer.SerializeToUtf8Bytes(manifest, OciJsonContext.Default.ImageManifest);

    /// <summary>Serializes an image index.</summary>
    /// <param name="index">The index.</param>
    /// <returns>UTF-8 JSON bytes.</returns>
    public static byte[] Serialize(ImageIndex index) => JsonSerializer.SerializeToUtf8Bytes(index, OciJsonContext.Default.ImageIndex);

    /// <summary>Serializes an image configuration.</summary>
    /// <param name="config">The configuration.</param>
    /// <returns>UTF-8 JSON bytes.</returns>
    public static byte[] Serialize(ImageConfig config) => JsonSerializer.SerializeToUtf8Bytes(config, OciJsonContext.Default.ImageConfig);

    /// <summary>Reads an image manifest.</summary>
    /// <param name="json">UTF-8 JSON.</param>
    /// <returns>The manifest.</returns>
    /// <exception cref="JsonException">The JSON is malformed or lacks a required field.</exception>
    public static ImageManifest DeserializeManifest(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, OciJsonContext.Default.ImageManifest) ?? throw new JsonException("null manifest");

    /// <summary>Reads an image index.</summary>
    /// <param name="json">UTF-8 JSON.</param>
    /// <returns>The index.</returns>
    /// <exception cref="JsonException">The JSON is malformed or lacks a required field.</exception>
    public static ImageIndex DeserializeIndex(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, OciJsonContext.Default.ImageIndex) ?? throw new JsonException("null index");

    /// <summary>Reads an image configuration.</summary>
    /// <param name="json">UTF-8 JSON.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="JsonException">The JSON is malformed or lacks a required field.</exception>
    public static ImageConfig DeserializeConfig(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, OciJsonContext.Default.ImageConfig) ?? throw new JsonException("null config");
}

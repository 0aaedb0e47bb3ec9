using System.Text.Json.Serialization;

namespace Paas.Oci;

/// <summary>The <c>rootfs</c> section of <see cref="ImageConfig"/>.</summary>
public sealed record ImageRootFs
{
    /// <summary>Always <c>layers</c>.</summary>
    [JsonPropertyName("type")]
    public string Type { get; init; } = "layers";

    /// <summary>Digests of the uncompressed layer tars, base first.</summary>
    [JsonPropertyName("diff_ids")]
    public required IReadOnlyList<Digest> DiffIds { get; init; }
}

using System.Text.Json.Serialization;

namespace Paas.Oci;

/// <summary>
/// Source-generated JSON metadata for the OCI models: null fields are omitted, as the OCI specs
/// expect of optional properties.
/// </summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ImageManifest))]
[JsonSerializable(typeof(ImageIndex))]
[JsonSerializable(typeof(ImageConfig))]
[JsonSerializable(typeof(Descriptor))]
[JsonSerializable(typeof(ManifestDocument))]
internal sealed partial class OciJsonContext : JsonSerializerContext;

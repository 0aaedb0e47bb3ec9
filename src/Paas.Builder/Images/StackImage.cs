using System.Text.Json;
using Paas.Oci;

namespace Paas.Builder;

/// <summary>
/// The stack (the run image every build's image starts from) read from an OCI image layout directory (OCI image spec,
/// "Image Layout": <c>oci-layout</c>, <c>index.json</c>, <c>blobs/sha256/HEX</c>), as <c>stack/build.sh</c> writes it:
/// <code>
/// LAYOUT/
///   oci-layout           {"imageLayoutVersion":"1.0.0"}
///   index.json           one image manifest (annotation org.opencontainers.image.ref.name = paas-22)
///   blobs/sha256/HEX     the manifest, the config and the gzip layers
/// </code>
/// </summary>
internal sealed class StackImage
{
    private StackImage(string layout, byte[] manifestBytes, ImageManifest manifest, ImageConfig config, string name)
    {
        Layout = layout;
        ManifestBytes = manifestBytes;
        Manifest = manifest;
        Config = config;
        Name = name;
        ManifestDigest = Digest.Compute(manifestBytes);
    }

    /// <summary>The layout directory.</summary>
    public string Layout { get; }

    /// <summary>The manifest exactly as stored (its digest names the stack).</summary>
    public byte[] ManifestBytes { get; }

    /// <summary>The parsed manifest.</summary>
    public ImageManifest Manifest { get; }

    /// <summary>The digest of <see cref="ManifestBytes"/>.</summary>
    public Digest ManifestDigest { get; }

    /// <summary>The stack's image config (its diff ids come first in every build's rootfs).</summary>
    public ImageConfig Config { get; }

    /// <summary>The reference name in <c>index.json</c> (e.g. <c>paas-22</c>), or <c>stack</c> when it has none.</summary>
    public string Name { get; }

    /// <summary>The path of a blob of the layout.</summary>
    public string BlobPath(Digest digest) => Path.Combine(Layout, "blobs", digest.Algorithm, digest.Encoded);

    /// <summary>Reads the layout at <paramref name="layout"/>.</summary>
    /// <exception cref="InvalidDataException">It is not an OCI layout holding exactly one linux image manifest whose blobs are all there.</exception>
    public static StackImage Load(string layout)
    {
        try
        {
            if (!File.Exists(Path.Combine(layout, "oci-layout")) || !File.Exists(Path.Combine(layout, "index.json")))
            {
                throw new InvalidDataException($"{layout} is not an OCI image layout (no oci-layout or index.json); build one with stack/build.sh");
            }

            var index = OciJson.DeserializeIndex(File.ReadAllBytes(Path.Combine(layout, "index.json")));
            var images = index.Manifests.Where(m => m.MediaType == MediaTypes.OciManifest).ToList();
            if (images.Count != 1)
            {
                throw new InvalidDataException($"{layout}/index.json names {images.Count} image manifests; a stack layout holds exactly one");
            }

            var name = images[0].Annotations?.GetValueOrDefault("org.opencontainers.image.ref.name") ?? "stack";
            var manifestBytes = ReadBlob(layout, images[0]);
            var manifest = OciJson.DeserializeManifest(manifestBytes);
            var config = OciJson.DeserializeConfig(ReadBlob(layout, manifest.Config));
            if (config.Os != "linux" || config.RootFs.DiffIds.Count != manifest.Layers.Count)
            {
                throw new InvalidDataException($"{layout}: the stack's config is not a linux image with one diff id per layer");
            }

            foreach (var layer in manifest.Layers)
            {
                var path = Path.Combine(layout, "blobs", layer.Digest.Algorithm, layer.Digest.Encoded);
                if (!File.Exists(path) || new FileInfo(path).Length != layer.Size)
                {
                    throw new InvalidDataException($"{layout}: layer {layer.Digest} is missing or has the wrong size");
                }
            }

            return new StackImage(Path.GetFullPath(layout), manifestBytes, manifest, config, name);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or FormatException)
        {
            throw new InvalidDataException($"{layout} is not a readable OCI image layout: {e.Message}", e);
        }
    }

    private static byte[] ReadBlob(string layout, Descriptor descriptor)
    {
        var bytes = File.ReadAllBytes(Path.Combine(layout, "blobs", descriptor.Digest.Algorithm, descriptor.Digest.Encoded));
        if (Digest.Compute(bytes) != descriptor.Digest)
        {
            throw new InvalidDataException($"{layout}: blob {descriptor.Digest} does not match its digest");
        }

        return bytes;
    }
}

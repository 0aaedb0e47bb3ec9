using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using Paas.Oci;

namespace Paas.Registry.Tests.Infrastructure;

/// <summary>
/// Writes a runnable-looking OCI image layout directory (oci-layout, index.json, blobs/sha256/...)
/// with <c>layers</c> gzip'd tar layers of random (incompressible) files, so skopeo and podman can read it
/// without any image registry.
/// </summary>
public static class OciLayoutBuilder
{
    public static Digest Build(string directory, string tag, int layers, int bytesPerLayer)
    {
        var blobs = Path.Combine(directory, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        File.WriteAllText(Path.Combine(directory, "oci-layout"), """{"imageLayoutVersion":"1.0.0"}""");
        var layerDescriptors = new List<Descriptor>();
        var diffIds = new List<Digest>();
        for (var i = 0; i < layers; i++)
        {
            var tarPath = Path.Combine(directory, $"layer{i}.tar");
            using (var tarFile = File.Create(tarPath))
            using (var tar = new TarWriter(tarFile, TarEntryFormat.Pax))
            {
                var data = new byte[bytesPerLayer];
                RandomNumberGenerator.Fill(data);
                var entry = new PaxTarEntry(TarEntryType.RegularFile, $"data/layer{i}.bin")
                {
                    DataStream = new MemoryStream(data),
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    ModificationTime = DateTimeOffset.UnixEpoch,
                };
                tar.WriteEntry(entry);
            }

            diffIds.Add(HashFile(tarPath));
            var gzPath = Path.Combine(directory, $"layer{i}.tar.gz");
            using (var input = File.OpenRead(tarPath))
            using (var output = File.Create(gzPath))
            using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
            {
                input.CopyTo(gzip);
            }

            File.Delete(tarPath);
            var digest = HashFile(gzPath);
            File.Move(gzPath, Path.Combine(blobs, digest.Encoded), overwrite: true);
            layerDescriptors.Add(new Descriptor { MediaType = MediaTypes.OciLayerTarGzip, Digest = digest, Size = new FileInfo(Path.Combine(blobs, digest.Encoded)).Length });
        }

        var config = OciJson.Serialize(new ImageConfig
        {
            Architecture = "amd64",
            Os = "linux",
            Created = DateTimeOffset.UnixEpoch,
            Config = new ImageRunConfig { Cmd = ["/data/run"], Labels = new Dictionary<string, string> { ["test"] = Guid.NewGuid().ToString("N") } },
            RootFs = new ImageRootFs { DiffIds = diffIds },
        });
        var configDigest = Write(blobs, config);
        var manifest = OciJson.Serialize(new ImageManifest
        {
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = configDigest, Size = config.Length },
            Layers = layerDescriptors,
        });
        var manifestDigest = Write(blobs, manifest);
        var index = OciJson.Serialize(new ImageIndex
        {
            Manifests =
            [
                new Descriptor
                {
                    MediaType = MediaTypes.OciManifest,
                    Digest = manifestDigest,
                    Size = manifest.Length,
                    Annotations = new Dictionary<string, string> { ["org.opencontainers.image.ref.name"] = tag },
                },
            ],
        });
        File.WriteAllBytes(Path.Combine(directory, "index.json"), index);
        return manifestDigest;
    }

    /// <summary>The manifest digest of <paramref name="tag"/> in an OCI layout's index.json.</summary>
    public static Digest ManifestDigest(string directory, string? tag = null)
    {
        var index = OciJson.DeserializeIndex(File.ReadAllBytes(Path.Combine(directory, "index.json")));
        var entry = tag is null
            ? index.Manifests.Single()
            : index.Manifests.Single(m => m.Annotations?.GetValueOrDefault("org.opencontainers.image.ref.name") == tag);
        return entry.Digest;
    }

    private static Digest Write(string blobs, byte[] content)
    {
        var digest = Digest.Compute(content);
        File.WriteAllBytes(Path.Combine(blobs, digest.Encoded), content);
        return digest;
    }

    private static Digest HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Digest.FromHash(Digest.Sha256, SHA256.HashData(stream));
    }

    public static string Utf8(byte[] bytes) => Encoding.UTF8.GetString(bytes);
}

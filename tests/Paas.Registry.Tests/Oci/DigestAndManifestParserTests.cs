using System.Text;
using Paas.Oci;

namespace Paas.Registry.Tests.Oci;

public sealed class DigestAndManifestParserTests
{
    [Theory]
    [InlineData("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", true)]
    [InlineData("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", false)]
    [InlineData("sha256:e3b0", false)]
    [InlineData("sha384:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", false)]
    [InlineData("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", false)]
    [InlineData("sha256:../../../../../../../../../../../../../../../../../../../etc/pass", false)]
    public void Digest_parsing_accepts_only_canonical_sha256_and_sha512(string text, bool valid)
    {
        Assert.Equal(valid, Digest.TryParse(text, out var digest));
        if (valid)
        {
            Assert.Equal(text, digest.ToString());
        }
    }

    [Fact]
    public void Empty_digest_is_the_well_known_one()
    {
        Assert.Equal("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Digest.EmptySha256.ToString());
        Assert.Equal(128, Digest.Compute(Digest.Sha512, []).Encoded.Length);
    }

    [Fact]
    public void Manifest_round_trips_and_parses()
    {
        var config = Digest.Compute("{}"u8);
        var manifest = new ImageManifest
        {
            Config = new Descriptor { MediaType = MediaTypes.OciConfig, Digest = config, Size = 2 },
            Layers = [new Descriptor { MediaType = MediaTypes.OciLayerTarGzip, Digest = config, Size = 2 }],
        };
        var bytes = OciJson.Serialize(manifest);
        Assert.DoesNotContain("null", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);

        var parsed = ManifestParser.Parse(bytes, MediaTypes.OciManifest + "; charset=utf-8");
        Assert.Equal(MediaTypes.OciManifest, parsed.MediaType);
        Assert.Equal(2, parsed.Blobs.Count);
        Assert.Equal(MediaTypes.OciConfig, parsed.ArtifactType);
        Assert.Equal(manifest.Config, OciJson.DeserializeManifest(bytes).Config);
    }

    [Fact]
    public void Media_type_comes_from_body_or_structure_when_content_type_is_generic()
    {
        var index = OciJson.Serialize(new ImageIndex { MediaType = null, Manifests = [] });
        Assert.Equal(MediaTypes.OciIndex, ManifestParser.Parse(index, "application/json").MediaType);
        Assert.Equal(MediaTypes.OciIndex, ManifestParser.Parse(index, null).MediaType);
    }

    [Fact]
    public void Content_type_and_body_media_type_must_agree()
    {
        var docker = OciJson.Serialize(new ImageManifest
        {
            MediaType = MediaTypes.DockerManifest,
            Config = new Descriptor { MediaType = MediaTypes.DockerConfig, Digest = Digest.EmptySha256, Size = 0 },
            Layers = [],
        });
        var ex = Assert.Throws<ManifestFormatException>(() => ManifestParser.Parse(docker, MediaTypes.OciManifest));
        Assert.False(ex.UnsupportedMediaType);
        Assert.True(Assert.Throws<ManifestFormatException>(() => ManifestParser.Parse(docker, "application/vnd.example+json")).UnsupportedMediaType);
    }
}

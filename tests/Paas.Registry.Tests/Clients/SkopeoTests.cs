using Paas.Oci;
using Paas.Registry.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Registry.Tests.Clients;

/// <summary><c>skopeo copy</c> of a multi-layer image into the registry and back out, over the token flow.</summary>
public sealed class SkopeoTests(RegistryFixture registry) : IClassFixture<RegistryFixture>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);
    private readonly string _work = Directory.CreateTempSubdirectory("paas-skopeo-").FullName;

    [Fact]
    public async Task Copy_in_and_out_preserves_every_digest()
    {
        ExternalTool.RequireOrSkip("skopeo");
        var source = Path.Combine(_work, "source");
        var manifest = OciLayoutBuilder.Build(source, "v1", layers: 4, bytesPerLayer: 512 * 1024);
        var target = $"docker://{registry.Host}/alice-app/skopeo:v1";

        await ExternalTool.RunAsync("skopeo", Timeout, "copy", "--dest-tls-verify=false", "--dest-creds", "alice:alice-token", $"oci:{source}:v1", target);
        var pulled = Path.Combine(_work, "pulled");
        await ExternalTool.RunAsync("skopeo", Timeout, "copy", "--src-tls-verify=false", "--src-creds", "alice:alice-token", target, $"oci:{pulled}:v1");

        Assert.Equal(manifest, OciLayoutBuilder.ManifestDigest(pulled, "v1"));
        var sourceBlobs = Directory.GetFiles(Path.Combine(source, "blobs", "sha256")).Select(Path.GetFileName).Order().ToList();
        var pulledBlobs = Directory.GetFiles(Path.Combine(pulled, "blobs", "sha256")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(sourceBlobs, pulledBlobs);
        foreach (var file in Directory.GetFiles(Path.Combine(pulled, "blobs", "sha256")))
        {
            Assert.Equal(Path.GetFileName(file), Digest.Compute(await File.ReadAllBytesAsync(file)).Encoded);
        }

        // Pushing the same image to a second repository of the same app mounts the blobs.
        await ExternalTool.RunAsync("skopeo", Timeout, "copy", "--dest-tls-verify=false", "--dest-creds", "alice:alice-token", target.Replace("docker://", "docker://", StringComparison.Ordinal), $"docker://{registry.Host}/alice-app/copy:v1", "--src-tls-verify=false", "--src-creds", "alice:alice-token");
        var raw = await ExternalTool.RunAsync("skopeo", Timeout, "inspect", "--raw", "--tls-verify=false", "--creds", "alice:alice-token", $"docker://{registry.Host}/alice-app/copy:v1");
        Assert.Equal(manifest, Digest.Compute(System.Text.Encoding.UTF8.GetBytes(raw.TrimEnd('\n'))));
    }

    [Fact]
    public async Task Pushing_to_another_users_app_fails()
    {
        ExternalTool.RequireOrSkip("skopeo");
        var source = Path.Combine(_work, "denied");
        OciLayoutBuilder.Build(source, "v1", layers: 1, bytesPerLayer: 1024);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            ExternalTool.RunAsync("skopeo", Timeout, "copy", "--retry-times", "0", "--dest-tls-verify=false", "--dest-creds", "bob:bob-token", $"oci:{source}:v1", $"docker://{registry.Host}/alice-app/stolen:v1"));
        Assert.Contains("denied", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

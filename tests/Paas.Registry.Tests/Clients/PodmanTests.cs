using Paas.Registry.Tests.Infrastructure;
using Paas.Testing;

namespace Paas.Registry.Tests.Clients;

/// <summary><c>podman push</c> and <c>podman pull</c> against the registry (flags that work here: see shared/docs/environment.md).</summary>
public sealed class PodmanTests(RegistryFixture registry) : IClassFixture<RegistryFixture>, IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "paas-podman-" + Guid.NewGuid().ToString("N"))).FullName;
    private readonly List<string> _images = [];

    [Fact]
    public async Task Push_then_pull_gives_back_the_same_image()
    {
        ExternalTool.RequireOrSkip("podman");
        var source = Path.Combine(_work, "layout");
        OciLayoutBuilder.Build(source, "v1", layers: 3, bytesPerLayer: 256 * 1024);
        var unique = Guid.NewGuid().ToString("N")[..12];
        var local = $"localhost/paas-test-{unique}:v1";
        var remote = $"{registry.Host}/alice-app/podman-{unique}:v1";

        // podman names an image pulled from a layout after its path, which must be lower case.
        var id = (await ExternalTool.RunAsync("podman", Timeout, "pull", "-q", $"oci:{source}:v1")).Trim().Split('\n')[^1];
        await ExternalTool.RunAsync("podman", Timeout, "tag", id, local, remote);
        _images.Add(id);

        await ExternalTool.RunAsync("podman", Timeout, "push", "--tls-verify=false", "--creds", "alice:alice-token", remote);
        await ExternalTool.RunAsync("podman", Timeout, "rmi", "--force", id);
        await ExternalTool.RunAsync("podman", Timeout, "pull", "-q", "--tls-verify=false", "--creds", "alice:alice-token", remote);

        var pulledId = (await ExternalTool.RunAsync("podman", Timeout, "image", "inspect", "--format", "{{.Id}}", remote)).Trim();
        Assert.Equal(id, pulledId);
    }

    public void Dispose()
    {
        foreach (var image in _images)
        {
            try
            {
                ExternalTool.RunAsync("podman", Timeout, "rmi", "--force", image).GetAwaiter().GetResult();
            }
            catch (InvalidOperationException)
            {
            }
        }

        try
        {
            Directory.Delete(_work, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

namespace Paas.Images.Tests.Infrastructure;

/// <summary>
/// One image's OCI layout copied into podman's storage (skopeo; layers already there are not copied again) as
/// <c>localhost/paas-images-test/NAME:ID</c>, once per test run (an assembly fixture: <c>AssemblyFixtures.cs</c>); removed after it.
/// </summary>
/// <param name="name">The image's name (paasd, build, postgresql).</param>
/// <param name="variable">The variable naming its layout (<see cref="ImageLayouts"/>).</param>
public abstract class PodmanImage(string name, string variable) : IAsyncLifetime
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _image;

    /// <summary>The image's OCI layout, or fails the test.</summary>
    public string Layout => ImageLayouts.Require(variable, name);

    /// <summary>The image in podman's storage; fails without the layout, skips (fails in CI) without podman or skopeo.</summary>
    /// <returns>The local image reference.</returns>
    public async Task<string> RequireAsync()
    {
        var layout = Layout;
        ExternalTool.RequireOrSkip("podman");
        ExternalTool.RequireOrSkip("skopeo");
        await _gate.WaitAsync();
        try
        {
            if (_image is null)
            {
                var image = $"localhost/paas-images-test/{name}:{Guid.NewGuid().ToString("N")[..12]}";
                await ExternalTool.RunAsync("skopeo", TimeSpan.FromMinutes(5), "copy", "-q", $"oci:{layout}", "containers-storage:" + image);
                _image = image;
            }

            return _image;
        }
        finally
        {
            _gate.Release();
        }
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_image is not null)
        {
            await ExternalTool.RunRawAsync("podman", TimeSpan.FromMinutes(1), "rmi", "-f", _image);
        }

        _gate.Dispose();
        GC.SuppressFinalize(this);
    }
}

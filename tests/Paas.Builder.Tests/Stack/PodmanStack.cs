using Xunit;

namespace Paas.Builder.Tests.Stack;

/// <summary>The stack's layout copied into podman's storage (skopeo, local only) as <c>localhost/paas-test-stack:ID</c>; removed after the class.</summary>
public sealed class PodmanStack : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    /// <summary>The image name, or null when there is no stack or no podman/skopeo.</summary>
    public string? Image { get; private set; }

    /// <summary>The image, or skips (fails in CI) when it could not be made.</summary>
    public string Require()
    {
        Tools.StackOrSkip();
        Tools.RequireOrSkip("podman");
        Tools.RequireOrSkip("skopeo");
        return Image ?? throw new InvalidOperationException("the stack could not be copied into podman's storage");
    }

    public async ValueTask InitializeAsync()
    {
        var layout = Environment.GetEnvironmentVariable(Tools.StackVariable);
        if (string.IsNullOrEmpty(layout) || !File.Exists(Path.Combine(layout, "index.json")) || Tools.Find("skopeo") is null || Tools.Find("podman") is null)
        {
            return;
        }

        var image = "localhost/paas-test-stack:" + Guid.NewGuid().ToString("N")[..12];
        await Tools.CheckAsync("skopeo", Timeout, "copy", "-q", $"oci:{layout}:paas-22", "containers-storage:" + image);
        Image = image;
    }

    public async ValueTask DisposeAsync()
    {
        if (Image is not null)
        {
            await Tools.RunAsync("podman", Timeout, "rmi", "-f", Image);
        }
    }
}

using Paas.Testing;
using Xunit;

namespace Paas.Builder.Tests.Pods;

/// <summary>
/// The build image (paas/build, the OCI layout <c>images/build.sh</c> writes and <c>scripts/test.sh</c> exports as
/// <c>PAAS_TEST_BUILD_IMAGE</c>) copied into podman's storage as <c>localhost/paas-builder-tests/build:RANDOM</c>, for build
/// pods run by the podman kubelet; removed when disposed. Skips without root, podman, skopeo or the layout (fails in CI).
/// </summary>
internal sealed class BuildImageInPodman : IAsyncDisposable
{
    private BuildImageInPodman(string reference) => Reference = reference;

    /// <summary>The image in podman's storage.</summary>
    public string Reference { get; }

    /// <summary>Copies the build image into podman's storage, or skips saying what is missing.</summary>
    public static async Task<BuildImageInPodman> RequireAsync()
    {
        var layout = Environment.GetEnvironmentVariable("PAAS_TEST_BUILD_IMAGE");
        string? missing = !Environment.IsPrivilegedProcess ? "root (the podman kubelet runs rootful podman)"
            : string.IsNullOrEmpty(layout) || !File.Exists(Path.Combine(layout, "index.json")) ? "the build image: images/build.sh --only build, then export PAAS_TEST_BUILD_IMAGE=<the layout it prints> (scripts/test.sh does)"
            : null;
        if (missing is not null)
        {
            Assert.True(Environment.GetEnvironmentVariable("CI") != "true", "needs " + missing);
            Assert.Skip("needs " + missing);
        }

        ExternalTool.RequireOrSkip("podman");
        ExternalTool.RequireOrSkip("skopeo");
        var reference = $"localhost/paas-builder-tests/build:{Guid.NewGuid().ToString("N")[..12]}";
        await ExternalTool.RunAsync("skopeo", TimeSpan.FromMinutes(5), "copy", "-q", $"oci:{layout}", "containers-storage:" + reference);
        return new BuildImageInPodman(reference);
    }

    public async ValueTask DisposeAsync() => await ExternalTool.RunRawAsync("podman", TimeSpan.FromMinutes(1), "rmi", "-f", Reference);
}

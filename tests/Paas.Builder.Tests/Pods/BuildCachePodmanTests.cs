using Paas.Client;
using Paas.Testing.Kubernetes.Kubelet.Podman;
using Xunit;

namespace Paas.Builder.Tests.Pods;

/// <summary>
/// The build cache with real build pods: the fake API server's podman kubelet runs each pod in the build image (paas/build)
/// as user 1000, on the host's network so that it reaches the builder's transfer URLs on loopback. The app carries the
/// fixture buildpack <c>buildpacks/counter</c> in its own tree (the pod sees it at <c>/tmp/build/app/...</c>), named by
/// <c>BUILDPACK_URL</c>.
/// </summary>
public sealed class BuildCachePodmanTests
{
    [Fact]
    public async Task A_second_build_pod_in_the_build_image_restores_the_first_ones_cache()
    {
        await using var image = await BuildImageInPodman.RequireAsync();
        var kubelet = new PodmanFakeKubelet(new PodmanFakeKubeletOptions
        {
            CreateArguments = ["--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024", "--network", "host"],
        });
        await using var cluster = await PodCluster.StartAsync(buildTimeout: "00:03:00", kubelet: kubelet, settings: new Dictionary<string, string?>
        {
            ["Builder:Pods:Image"] = image.Reference,
        });
        await cluster.Client.CreateAppAsync(new AppCreateRequest("cachepod"));
        await cluster.Client.UpdateConfigAsync("cachepod", new ConfigUpdateRequest(new Dictionary<string, string?> { ["BUILDPACK_URL"] = "/tmp/build/app/counter-buildpack" }));
        using var repo = await GitClient.FromFixtureAsync("procfile-app");
        GitClient.CopyTree(Path.Combine(AppContext.BaseDirectory, "Fixtures", "buildpacks", "counter"), Path.Combine(repo.Directory, "counter-buildpack"));
        await repo.CommitChangeAsync("README.md", "1\n");

        var (code, first) = await repo.RunAsync("alice", cluster.Token, "push", $"{cluster.Platform.ApiUrl}/cachepod.git", "master");
        Assert.True(code == 0, first);
        Assert.Contains("remote:        build number 1", first);
        Assert.Contains("remote: -----> Storing build cache (", first);

        await repo.CommitChangeAsync("README.md", "2\n");
        var (again, second) = await repo.RunAsync("alice", cluster.Token, "push", $"{cluster.Platform.ApiUrl}/cachepod.git", "master");
        Assert.True(again == 0, second);
        Assert.Matches(@"remote: -----> Restoring build cache \(\d+\.\d MB\)", second);
        Assert.Contains("remote:        build number 2", second);
        Assert.Equal("2", File.ReadAllText(Path.Combine(cluster.CacheOf("cachepod"), "counter")).Trim());
        await cluster.WaitNoPodsAsync();
    }
}

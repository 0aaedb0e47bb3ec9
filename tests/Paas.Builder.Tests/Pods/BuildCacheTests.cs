using System.Formats.Tar;
using System.IO.Compression;
using Paas.Client;
using Paas.Testing.Kubernetes.Kubelet;
using Xunit;

namespace Paas.Builder.Tests.Pods;

/// <summary>
/// The build cache of pod builds (CACHE_DIR, which the Heroku buildpack API keeps between builds): the builder keeps it in
/// <see cref="BuilderPaths.Cache"/> as for local builds, hands it to the pod and takes the new one back through one-time
/// URLs. Most tests run the builder's real <c>build-pod.sh</c> on this machine (<see cref="PodCluster.RunScriptHere"/>) with
/// the fixture buildpack <c>buildpacks/counter</c>, which counts its builds in CACHE_DIR.
/// </summary>
public sealed class BuildCacheTests
{
    private static string Counter => Path.Combine(AppContext.BaseDirectory, "Fixtures", "buildpacks", "counter");

    [Fact]
    public async Task A_second_pod_build_gets_the_first_ones_cache_and_a_failed_build_leaves_it()
    {
        await using var cluster = await PodCluster.StartAsync();
        cluster.Pod = PodCluster.RunScriptHere;
        await cluster.Client.CreateAppAsync(new AppCreateRequest("cacheapp"));
        await SetConfigAsync(cluster, "cacheapp", "BUILDPACK_URL", Counter);
        using var repo = await GitClient.FromFixtureAsync("procfile-app");

        var first = await PushAsync(cluster, repo, "cacheapp");
        Assert.Contains("remote:        build number 1", first);
        Assert.DoesNotContain("Restoring build cache", first); // a first build has none
        Assert.Contains("remote: -----> Storing build cache (", first);
        Assert.Equal("1", File.ReadAllText(Path.Combine(cluster.CacheOf("cacheapp"), "counter")).Trim());

        var second = await PushAsync(cluster, repo, "cacheapp", change: "2");
        Assert.Matches(@"remote: -----> Restoring build cache \(\d+\.\d MB\)", second);
        Assert.Contains("remote:        build number 2", second);
        Assert.Equal("2", File.ReadAllText(Path.Combine(cluster.CacheOf("cacheapp"), "counter")).Trim());

        // A compile that fails after writing to CACHE_DIR: the app keeps the cache of its last good build.
        await SetConfigAsync(cluster, "cacheapp", "CACHE_TEST", "fail");
        await repo.CommitChangeAsync("README.md", "3\n");
        var (code, failed) = await repo.RunAsync("alice", cluster.Token, "push", $"{cluster.Platform.ApiUrl}/cacheapp.git", "master");
        Assert.NotEqual(0, code);
        Assert.Contains("remote:        build number 3", failed);
        Assert.DoesNotContain("Storing build cache", failed);
        Assert.Equal("2", File.ReadAllText(Path.Combine(cluster.CacheOf("cacheapp"), "counter")).Trim());

        await SetConfigAsync(cluster, "cacheapp", "CACHE_TEST", null);
        var fourth = await PushAsync(cluster, repo, "cacheapp", change: "4");
        Assert.Contains("remote:        build number 3", fourth);
        await cluster.WaitNoPodsAsync();
    }

    [Fact]
    public async Task A_cache_above_the_limit_is_not_kept_and_the_build_still_succeeds()
    {
        await using var cluster = await PodCluster.StartAsync(settings: new Dictionary<string, string?> { ["Builder:Pods:MaxCacheBytes"] = "65536" });
        cluster.Pod = PodCluster.RunScriptHere;
        await cluster.Client.CreateAppAsync(new AppCreateRequest("cachebig"));
        await SetConfigAsync(cluster, "cachebig", "BUILDPACK_URL", Counter);
        using var repo = await GitClient.FromFixtureAsync("procfile-app");
        Assert.Contains("remote:        build number 1", await PushAsync(cluster, repo, "cachebig"));

        await SetConfigAsync(cluster, "cachebig", "CACHE_TEST", "big");
        var big = await PushAsync(cluster, repo, "cachebig", change: "2");

        Assert.Contains("remote:        build number 2", big);
        Assert.Contains("remote: -----> Build cache not stored: it is larger than the limit of 0.1 MB (PAAS_BUILD_MAX_CACHE_BYTES); the next build restores the previous cache", big);
        Assert.Contains("remote:        Released v", big);
        Assert.False(File.Exists(Path.Combine(cluster.CacheOf("cachebig"), "noise")));
        Assert.Equal("1", File.ReadAllText(Path.Combine(cluster.CacheOf("cachebig"), "counter")).Trim());
        Assert.Equal(2, (await cluster.Client.ListBuildsAsync("cachebig")).Results.Count);
        await cluster.WaitNoPodsAsync();
    }

    [Fact]
    public async Task A_hostile_cache_is_refused_whole_and_the_previous_one_stays()
    {
        await using var cluster = await PodCluster.StartAsync();
        var outside = Directory.CreateTempSubdirectory("paas-cache-outside-").FullName;
        Action<TarWriter> upload = tar => Entry(tar, TarEntryType.RegularFile, "cache/counter", "1\n");
        cluster.Pod = spec =>
        {
            UploadCache(spec, upload);
            return PodCluster.CompileLikeAPod(spec);
        };
        await cluster.Client.CreateAppAsync(new AppCreateRequest("cachebad"));
        using var repo = await GitClient.FromFixtureAsync("procfile-app");
        var first = await PushAsync(cluster, repo, "cachebad");
        Assert.Contains("remote: -----> Storing build cache (", first);

        // A link out of the cache, then a file through it.
        upload = tar =>
        {
            Entry(tar, TarEntryType.RegularFile, "cache/counter", "666\n");
            tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, "cache/escape") { LinkName = outside });
            Entry(tar, TarEntryType.RegularFile, "cache/escape/pwned", "owned\n");
        };
        var linked = await PushAsync(cluster, repo, "cachebad", change: "2");
        Assert.Contains("remote: -----> Build cache not stored: the build cache's entry 'cache/escape/pwned' is inside a symbolic link", linked);
        Assert.Contains("remote:        Released v", linked);

        // A path climbing out of the unpack folder.
        upload = tar => Entry(tar, TarEntryType.RegularFile, "cache/../../../pwned", "owned\n");
        var climbing = await PushAsync(cluster, repo, "cachebad", change: "3");
        Assert.Contains("remote: -----> Build cache not stored: the build cache's entry 'cache/../../../pwned' points outside the build cache", climbing);

        Assert.Empty(Directory.EnumerateFileSystemEntries(outside));
        Assert.False(File.Exists(Path.Combine(cluster.CacheOf("cachebad"), "..", "..", "builds", "pwned")));
        Assert.Equal(["counter"], Directory.EnumerateFileSystemEntries(cluster.CacheOf("cachebad")).Select(Path.GetFileName));
        Assert.Equal("1", File.ReadAllText(Path.Combine(cluster.CacheOf("cachebad"), "counter")).Trim());
        Directory.Delete(outside, recursive: true);
        await cluster.WaitNoPodsAsync();
    }

    private static async Task SetConfigAsync(PodCluster cluster, string app, string name, string? value) =>
        await cluster.Client.UpdateConfigAsync(app, new ConfigUpdateRequest(new Dictionary<string, string?> { [name] = value }));

    /// <summary>Pushes (after a commit when <paramref name="change"/> is given) and asserts that it was accepted.</summary>
    private static async Task<string> PushAsync(PodCluster cluster, GitClient repo, string app, string? change = null)
    {
        if (change is not null)
        {
            await repo.CommitChangeAsync("README.md", change + "\n");
        }

        var (code, output) = await repo.RunAsync("alice", cluster.Token, "push", $"{cluster.Platform.ApiUrl}/{app}.git", "master");
        Assert.True(code == 0, output);
        return output;
    }

    /// <summary>Uploads a cache tarball written by <paramref name="write"/> to the pod's <c>PAAS_CACHE_UPLOAD_URL</c>, as a pod would.</summary>
    private static void UploadCache(FakePodSpec spec, Action<TarWriter> write)
    {
        var url = spec.Env.Last(e => e.Key == "PAAS_CACHE_UPLOAD_URL").Value;
        var body = new MemoryStream();
        using (var gzip = new GZipStream(body, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, "cache/"));
            write(tar);
        }

        body.Position = 0;
        using var response = BuilderPlatform.Http.PutAsync(url, new StreamContent(body)).GetAwaiter().GetResult();
        Assert.Equal(System.Net.HttpStatusCode.NoContent, response.StatusCode);
    }

    private static void Entry(TarWriter tar, TarEntryType type, string name, string content) =>
        tar.WriteEntry(new PaxTarEntry(type, name) { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)) });
}

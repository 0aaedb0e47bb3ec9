using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Paas.Oci;
using Paas.Scheduling.Local;
using Paas.Server;
using Xunit;

namespace Paas.Builder.Tests.Stack;

/// <summary>
/// The image a build makes on the stack, read back from the registry: the stack's layers mounted (same digests as the
/// layout), the slug owned by the stack's user, the process types file, the exact config; the local runtime takes only
/// the slug; paasd imported the stack as <c>paas/stack</c>.
/// </summary>
public sealed class ImageConfigTests(StackPlatform fixture) : IClassFixture<StackPlatform>
{
    [Fact]
    public async Task Image_on_the_stack_has_the_stack_layers_the_slug_and_the_launcher_config()
    {
        var platform = fixture.Require();
        var stackIndex = OciJson.DeserializeIndex(await File.ReadAllBytesAsync(Path.Combine(fixture.Layout, "index.json")));
        var stackManifestBytes = await File.ReadAllBytesAsync(BlobPath(stackIndex.Manifests[0].Digest));
        var stackManifest = OciJson.DeserializeManifest(stackManifestBytes);
        var stackConfig = OciJson.DeserializeConfig(await File.ReadAllBytesAsync(BlobPath(stackManifest.Config.Digest)));

        var app = await fixture.NewAppAsync("cfg");
        using var repo = await GitClient.FromFixtureAsync("procfile-app");
        var sha = await repo.HeadAsync();
        var (code, output) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master");
        Assert.True(code == 0, output);

        var manifestBytes = await GetAsync($"/v2/{app}/manifests/git-{sha[..7]}", MediaTypes.OciManifest);
        var manifest = OciJson.DeserializeManifest(manifestBytes);
        var n = stackManifest.Layers.Count;
        Assert.Equal(n + 2, manifest.Layers.Count);
        Assert.Equal(stackManifest.Layers.Select(l => l.Digest), manifest.Layers.Take(n).Select(l => l.Digest));
        Assert.Equal("slug", manifest.Layers[n].Annotations!["io.paas.layer"]);
        Assert.Equal("process-types", manifest.Layers[n + 1].Annotations!["io.paas.layer"]);

        var config = OciJson.DeserializeConfig(await GetAsync($"/v2/{app}/blobs/{manifest.Config.Digest}"));
        var run = config.Config!;
        Assert.Equal("amd64", config.Architecture);
        Assert.Equal("linux", config.Os);
        Assert.Equal("1000:1000", run.User);
        Assert.Equal("/app", run.WorkingDir);
        Assert.Equal(["/usr/local/bin/paas-launcher"], run.Entrypoint);
        Assert.Equal(["web"], run.Cmd);
        Assert.Equal(
            [
                "PATH=/app/.heroku/node/bin:/app/bin:/app/node_modules/.bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "HOME=/app", "PORT=5000", "LANG=C.UTF-8", "STACK=paas-22",
            ],
            run.Env);
        Assert.Equal(sha, run.Labels!["io.paas.source-sha"]);
        Assert.Equal(sha, run.Labels["org.opencontainers.image.revision"]);
        Assert.Equal("procfile", run.Labels["io.paas.buildpacks"]);
        Assert.Equal($"paas-22@{Digest.Compute(stackManifestBytes)}", run.Labels["io.paas.stack"]);
        var types = JsonSerializer.Deserialize<Dictionary<string, string>>(run.Labels["io.paas.process-types"])!;
        Assert.Equal("./start.sh", types["web"]);
        Assert.Equal(n + 2, config.RootFs.DiffIds.Count);
        Assert.Equal(stackConfig.RootFs.DiffIds, config.RootFs.DiffIds.Take(n));

        // the slug: every entry under app/, owned by the stack's user so the app can write in /app
        var slug = await EntriesAsync(await GetAsync($"/v2/{app}/blobs/{manifest.Layers[n].Digest}"));
        Assert.All(slug, e => Assert.StartsWith("app/", e.Name));
        Assert.All(slug, e => Assert.Equal((1000, 1000), (e.Uid, e.Gid)));
        Assert.Contains(slug, e => e.Name == "app/start.sh");
        var typesLayer = await EntriesAsync(await GetAsync($"/v2/{app}/blobs/{manifest.Layers[n + 1].Digest}"));
        var file = Assert.Single(typesLayer, e => e.Name == "app/.paas/process-types");
        Assert.Equal("web: ./start.sh\nworker: sh -c \"while true; do sleep 60; done\"\n", file.Content);

        // deterministic: the same commit in another app gives the same layers and the same manifest
        var again = await fixture.NewAppAsync("cfg");
        Assert.Equal(0, (await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(again), "master")).Code);
        Assert.Equal(Digest.Compute(manifestBytes), Digest.Compute(await GetAsync($"/v2/{again}/manifests/git-{sha[..7]}", MediaTypes.OciManifest)));

        // the stack is in the registry as paas/stack (readable by the platform's service credential, not by users), by its
        // own digest; importing again changes nothing
        Assert.Equal(Digest.Compute(stackManifestBytes), Digest.Compute(await GetAsync("/v2/paas/stack/manifests/paas-22", MediaTypes.OciManifest, service: true)));
        var reference = await platform.Services.GetRequiredService<StackImporter>().ImportAsync();
        Assert.EndsWith($"/paas/stack@{Digest.Compute(stackManifestBytes)}", reference);

        // the local runtime unpacks only the slug layer
        var data = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "paas-slugs-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        try
        {
            using var source = new RegistrySlugSource(Options.Create(new LocalRuntimeOptions
            {
                DataDirectory = data,
                RegistryUsername = "alice",
                RegistryPassword = fixture.AliceToken,
                RegistryAuthority = () => new Uri(platform.RegistryUrl).Authority,
            }));
            var image = $"{new Uri(platform.RegistryUrl).Authority}/{app}@{Digest.Compute(manifestBytes)}";
            var result = await source.PrepareAsync(app, image, CancellationToken.None);
            Assert.Null(result.FailureReason);
            Assert.True(File.Exists(Path.Combine(result.AppDirectory!, "start.sh")));
            Assert.False(File.Exists(Path.Combine(result.AppDirectory!, ".paas", "process-types")));
            Assert.Equal(["app"], Directory.GetFileSystemEntries(Path.GetDirectoryName(result.AppDirectory!)!).Select(Path.GetFileName));
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private string BlobPath(Digest digest) => Path.Combine(fixture.Layout, "blobs", digest.Algorithm, digest.Encoded);

    private async Task<byte[]> GetAsync(string path, string? accept = null, bool service = false)
    {
        var platform = fixture.Require();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(platform.RegistryUrl), path));
        var credential = service
            ? ServiceCredential.Username + ":" + platform.Services.GetRequiredService<ServiceCredential>().Secret
            : "alice:" + fixture.AliceToken;
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credential)));
        if (accept is not null)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        }

        using var response = await StackPlatform.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static async Task<List<(string Name, int Uid, int Gid, string? Content)>> EntriesAsync(byte[] layer)
    {
        var entries = new List<(string, int, int, string?)>();
        await using var gzip = new GZipStream(new MemoryStream(layer), CompressionMode.Decompress);
        await using var reader = new TarReader(gzip);
        while (await reader.GetNextEntryAsync(copyData: true) is { } entry)
        {
            string? content = null;
            if (entry.DataStream is { } data)
            {
                content = await new StreamReader(data).ReadToEndAsync();
            }

            entries.Add((entry.Name, entry.Uid, entry.Gid, content));
        }

        return entries;
    }
}

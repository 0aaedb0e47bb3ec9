using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Paas.Scheduling.Local;
using Paas.Scheduling.Logs;
using Paas.Scheduling.Tests.Fixtures;
using Paas.Testing;

namespace Paas.Scheduling.Tests.Local;

/// <summary>The runtime pulling a slug image from the platform's real registry, over HTTP with the service credential.</summary>
public sealed class RegistrySlugSourceTests
{
    [Fact]
    public async Task A_release_pulled_from_the_registry_runs_and_its_slug_is_unpacked_once_then_pruned()
    {
        await using var registry = await TestRegistry.StartAsync();
        var image = await registry.PushSlugAsync("hello", new Dictionary<string, string>
        {
            ["server.js"] = FixtureSlug.Server,
            [".profile.d/x.sh"] = "export FROM_PROFILE=fromimage\n",
        });
        var other = await registry.PushSlugAsync("hello", new Dictionary<string, string> { ["server.js"] = FixtureSlug.Server + "\n// v2\n" });
        var dataDir = Directory.CreateTempSubdirectory("paas-pull-").FullName;
        var options = Microsoft.Extensions.Options.Options.Create(new LocalRuntimeOptions
        {
            DataDirectory = dataDir,
            RegistryUsername = TestRegistry.Username,
            RegistryPassword = TestRegistry.Secret,
            RegistryAuthority = () => registry.Host,
            StopGracePeriod = TimeSpan.FromSeconds(3),
        });
        using var slugs = new RegistrySlugSource(options);
        using var logs = new FileLogStore(Path.Combine(dataDir, "logs"));
        var scheduler = new LocalProcessScheduler(options, slugs, logs, NullLogger<LocalProcessScheduler>.Instance);
        try
        {
            var types = new Dictionary<string, string> { ["web"] = "node server.js" };
            var web = new Dictionary<string, int> { ["web"] = 2 };

            var first = await scheduler.DeployAsync(new DeploymentSpec("hello", 1, image, new Dictionary<string, string>(), types, web, null), CancellationToken.None);

            Assert.True(first.Succeeded, first.FailureReason);
            var digest = image[(image.IndexOf('@', StringComparison.Ordinal) + 1)..];
            Assert.Equal([Path.Combine(dataDir, "slugs", digest.Replace(':', '-'))], Directory.GetDirectories(Path.Combine(dataDir, "slugs")));
            using var http = new HttpClient();
            var endpoint = scheduler.GetEndpoints("hello")[0];
            Assert.Equal("v1 web.1  fromimage", await http.GetStringAsync($"http://127.0.0.1:{endpoint.Port}/"));

            var second = await scheduler.DeployAsync(new DeploymentSpec("hello", 2, other, new Dictionary<string, string>(), types, web, null), CancellationToken.None);

            Assert.True(second.Succeeded, second.FailureReason);
            var otherDigest = other[(other.IndexOf('@', StringComparison.Ordinal) + 1)..];
            string[] kept = [Path.Combine(dataDir, "slugs", otherDigest.Replace(':', '-'))];
            for (var wait = 0; wait < 100 && !kept.SequenceEqual(Directory.GetDirectories(Path.Combine(dataDir, "slugs"))); wait++)
            {
                await Task.Delay(100); // the old release's slug is pruned once its processes have drained and stopped, after the deploy answered
            }

            Assert.Equal(kept, Directory.GetDirectories(Path.Combine(dataDir, "slugs")));
        }
        finally
        {
            await scheduler.DestroyAsync("hello", CancellationToken.None);
            await scheduler.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>
    /// What paasd's start looked like (issue "The first hour", item 1): the runtime brings apps back before the platform's
    /// registry listens. The release is listed as down with the reason, a restart says why it cannot start, and it runs
    /// once the registry is up, without another deploy.
    /// </summary>
    [Fact]
    public async Task A_release_whose_registry_is_down_at_start_is_listed_down_with_the_reason_and_runs_once_the_registry_is_up()
    {
        var root = Directory.CreateTempSubdirectory("paas-sched-registry-").FullName;
        var dataDir = Directory.CreateTempSubdirectory("paas-pull-").FullName;
        string image;
        string host;
        await using (var first = await TestRegistry.StartAsync(root: root))
        {
            image = await first.PushSlugAsync("hello", new Dictionary<string, string> { ["server.js"] = FixtureSlug.Server });
            host = first.Host;
        }

        var options = Microsoft.Extensions.Options.Options.Create(new LocalRuntimeOptions
        {
            DataDirectory = dataDir,
            RegistryUsername = TestRegistry.Username,
            RegistryPassword = TestRegistry.Secret,
            RegistryAuthority = () => host,
            StopGracePeriod = TimeSpan.FromSeconds(3),
            CrashBackoffInitial = TimeSpan.FromMilliseconds(300),
            CrashBackoffMax = TimeSpan.FromSeconds(1),
        });
        using var slugs = new RegistrySlugSource(options);
        using var logs = new FileLogStore(Path.Combine(dataDir, "logs"));
        var scheduler = new LocalProcessScheduler(options, slugs, logs, NullLogger<LocalProcessScheduler>.Instance);
        var ct = TestContext.Current.CancellationToken;
        try
        {
            var spec = new DeploymentSpec("hello", 3, image, new Dictionary<string, string>(), new Dictionary<string, string> { ["web"] = "node server.js" }, new Dictionary<string, int> { ["web"] = 2 }, null);
            await scheduler.ReconcileAsync([spec], ct);

            var down = await scheduler.ListAsync("hello", ct);
            Assert.Equal(["web.1", "web.2"], down.Select(p => p.Name));
            Assert.All(down, p => Assert.Equal((ProcessState.Down, 3), (p.State, p.Release)));
            Assert.Contains("v3 cannot start yet: pulling", down[0].Reason, StringComparison.Ordinal);
            Assert.Contains("refused", down[0].Reason, StringComparison.OrdinalIgnoreCase);
            var restart = await Assert.ThrowsAsync<SchedulerUnavailableException>(() => scheduler.RestartAsync("hello", null, ct));
            Assert.Contains("hello cannot start v3", restart.Message, StringComparison.Ordinal);

            var port = int.Parse(host.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
            await using var again = await TestRegistry.StartAsync(port, root);
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while ((await scheduler.ListAsync("hello", ct)).Count(p => p.State == ProcessState.Up) < 2)
            {
                Assert.True(DateTime.UtcNow < deadline, string.Join("; ", (await scheduler.ListAsync("hello", ct)).Select(p => $"{p.Name} {p.State} {p.Reason}")));
                await Task.Delay(200, ct);
            }

            Assert.Equal(2, scheduler.GetEndpoints("hello").Count);
            Assert.Equal(["web.1", "web.2"], (await scheduler.ListAsync("hello", ct)).Select(p => p.Name)); // no waiting entries left
        }
        finally
        {
            await scheduler.DestroyAsync("hello", CancellationToken.None);
            await scheduler.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>
    /// The builder in the same process hands over the slug it just pushed (issue "The first hour", warm redeploy): the deploy
    /// skips the pull and unpack, still fetches and checks the manifest, and a prune before that deploy keeps it.
    /// </summary>
    [Fact]
    public async Task A_slug_handed_over_by_the_builder_is_used_without_a_pull_but_only_for_a_manifest_the_registry_serves()
    {
        await using var registry = await TestRegistry.StartAsync();
        var image = await registry.PushSlugAsync("hello", new Dictionary<string, string> { ["server.js"] = FixtureSlug.Server });
        var digest = image[(image.IndexOf('@', StringComparison.Ordinal) + 1)..];
        var dataDir = Directory.CreateTempSubdirectory("paas-adopt-").FullName;
        var built = Path.Combine(dataDir, "build", "app");
        Directory.CreateDirectory(built);
        await File.WriteAllTextAsync(Path.Combine(built, "marker.txt"), "built here", TestContext.Current.CancellationToken);
        try
        {
            using var slugs = new RegistrySlugSource(Microsoft.Extensions.Options.Options.Create(new LocalRuntimeOptions
            {
                DataDirectory = dataDir,
                RegistryPassword = TestRegistry.Secret,
                RegistryAuthority = () => registry.Host,
            }));
            var cancel = TestContext.Current.CancellationToken;

            Assert.False(await slugs.AdoptAsync($"{registry.Host}/hello:latest", built, cancel)); // no digest: not taken
            Assert.True(await slugs.AdoptAsync(image, built, cancel));
            Assert.False(Directory.Exists(built)); // moved, not copied
            await slugs.PruneAsync([], cancel); // a prune before its deploy keeps it

            var prepared = await slugs.PrepareAsync("hello", image, cancel);
            Assert.NotNull(prepared.AppDirectory);
            Assert.True(File.Exists(Path.Combine(prepared.AppDirectory, "marker.txt"))); // the handed-over folder, not a pull
            Assert.False(File.Exists(Path.Combine(prepared.AppDirectory, "server.js")));
            var elsewhere = await slugs.PrepareAsync("other", $"{registry.Host}/other@{digest}", cancel);
            Assert.Null(elsewhere.AppDirectory); // the same digest in a repository the registry does not serve it from: refused

            await slugs.PruneAsync([], cancel); // prepared once: an ordinary slug again, pruned when no release uses it
            Assert.False(Directory.Exists(Path.GetDirectoryName(prepared.AppDirectory)));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_wrong_credential_or_unknown_image_is_a_failure_value()
    {
        await using var registry = await TestRegistry.StartAsync();
        var image = await registry.PushSlugAsync("hello", new Dictionary<string, string> { ["a"] = "b" });
        var dataDir = Directory.CreateTempSubdirectory("paas-pull-").FullName;
        try
        {
            using var wrong = new RegistrySlugSource(Microsoft.Extensions.Options.Options.Create(new LocalRuntimeOptions { DataDirectory = dataDir, RegistryPassword = "nope", RegistryAuthority = () => registry.Host }));
            var denied = await wrong.PrepareAsync("hello", image, CancellationToken.None);
            Assert.Null(denied.AppDirectory);
            Assert.Contains("401", denied.FailureReason, StringComparison.Ordinal);

            using var right = new RegistrySlugSource(Microsoft.Extensions.Options.Options.Create(new LocalRuntimeOptions { DataDirectory = dataDir, RegistryPassword = TestRegistry.Secret, RegistryAuthority = () => registry.Host }));
            var missing = await right.PrepareAsync("hello", $"{registry.Host}/hello@sha256:{new string('0', 64)}", CancellationToken.None);
            Assert.Contains("404", missing.FailureReason, StringComparison.Ordinal);
            var ok = await right.PrepareAsync("hello", image, CancellationToken.None);
            Assert.Equal("b", await File.ReadAllTextAsync(Path.Combine(ok.AppDirectory!, "a")));
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task The_service_credential_goes_to_the_platforms_registry_alone_and_an_unpacked_digest_is_never_handed_out_unpulled()
    {
        await using var registry = await TestRegistry.StartAsync();
        var image = await registry.PushSlugAsync("victim", new Dictionary<string, string> { ["secret.txt"] = "victim's code" });
        var digest = image[(image.IndexOf('@', StringComparison.Ordinal) + 1)..];

        // Another registry, as an attacker would run one: it records what it is sent and serves that digest's "manifest".
        var seen = new List<string>();
        await using var evil = await Paas.Testing.LoopbackPort.StartOnFreePortsAsync(1, async ports =>
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://127.0.0.1:{ports[0]}");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.Map("/{**path}", (HttpContext context) =>
            {
                lock (seen)
                {
                    seen.Add(context.Request.Headers.Authorization.ToString());
                }

                return Results.StatusCode(401);
            });
            await app.StartAsync(TestContext.Current.CancellationToken);
            return app;
        });
        var evilHost = new Uri(evil.Urls.First()).Authority;

        var dataDir = Directory.CreateTempSubdirectory("paas-pull-").FullName;
        try
        {
            using var slugs = new RegistrySlugSource(Microsoft.Extensions.Options.Options.Create(new LocalRuntimeOptions
            {
                DataDirectory = dataDir,
                RegistryPassword = TestRegistry.Secret,
                RegistryAuthority = () => registry.Host,
            }));
            Assert.NotNull((await slugs.PrepareAsync("hello", image, TestContext.Current.CancellationToken)).AppDirectory); // unpacked for the victim

            var stolen = await slugs.PrepareAsync("hello", $"{evilHost}/anything@{digest}", TestContext.Current.CancellationToken);
            Assert.Null(stolen.AppDirectory); // the same digest from elsewhere is not the unpacked slug
            Assert.NotEmpty(seen);
            Assert.All(seen, header => Assert.Equal("", header)); // and the other registry never saw the service secret
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task An_image_in_another_registry_is_pulled_with_the_apps_own_login_there_and_no_other()
    {
        await using var source = await TestRegistry.StartAsync();
        await using var docker = await DockerRegistryServer.StartAsync(); // Debian's docker-registry, htpasswd (HTTP Basic)
        var built = await source.PushSlugAsync("hello", new Dictionary<string, string> { ["server.js"] = "// shop" });
        var image = await docker.CopyFromAsync(built, $"{TestRegistry.Username}:{TestRegistry.Secret}", "team/hello:1");
        var logins = new Logins();
        logins.Set("shop", docker.Host, DockerRegistryServer.User, DockerRegistryServer.Password);
        var dataDir = Directory.CreateTempSubdirectory("paas-pull-").FullName;
        try
        {
            using var slugs = new RegistrySlugSource(
                Microsoft.Extensions.Options.Options.Create(new LocalRuntimeOptions { DataDirectory = dataDir, RegistryPassword = "the-service-secret", RegistryAuthority = () => "127.0.0.1:1" }),
                logins);
            var ct = TestContext.Current.CancellationToken;

            var anonymous = await slugs.PrepareAsync("other-app", image, ct); // an app without a login there
            Assert.Null(anonymous.AppDirectory);
            Assert.Contains($"needs a login to pull {image} (401); store one with 'paas registry:login {docker.Host}'", anonymous.FailureReason, StringComparison.Ordinal);

            var pulled = await slugs.PrepareAsync("shop", image, ct);
            Assert.Equal("// shop", await File.ReadAllTextAsync(Path.Combine(pulled.AppDirectory!, "server.js"), ct));

            logins.Set("shop", docker.Host.ToUpperInvariant(), DockerRegistryServer.User, "wrong");
            var refused = await slugs.PrepareAsync("shop", image.ToUpperInvariant()[..docker.Host.Length] + image[docker.Host.Length..], ct);
            Assert.Contains($"refused the app's login for", refused.FailureReason, StringComparison.Ordinal);

            // A registry with token authentication (the platform's own registry software, as someone else's) that is
            // not given a login: its bearer challenge is followed anonymously and refused, with the same advice.
            var tokenOnly = await slugs.PrepareAsync("other-app", built, ct);
            Assert.Contains($"needs a login to pull {built} (401)", tokenOnly.FailureReason, StringComparison.Ordinal);
            Assert.Null((await slugs.PrepareAsync("shop", built, ct)).AppDirectory);
            logins.Set("shop", source.Host, TestRegistry.Username, TestRegistry.Secret);
            Assert.NotNull((await slugs.PrepareAsync("shop", built, ct)).AppDirectory);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    /// <summary>Apps' stored logins, as the controller keeps them (by app, registry compared case-insensitively).</summary>
    private sealed class Logins : IAppRegistryLogins
    {
        private readonly Dictionary<(string, string), RegistryLogin> _logins = [];

        public void Set(string app, string registry, string username, string password) => _logins[(app, registry.ToLowerInvariant())] = new RegistryLogin(username, password);

        public Task<RegistryLogin?> FindAsync(string app, string registry, CancellationToken cancellationToken) =>
            Task.FromResult(_logins.GetValueOrDefault((app, registry.ToLowerInvariant())));
    }
}

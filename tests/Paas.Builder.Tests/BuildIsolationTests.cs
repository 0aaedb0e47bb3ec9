using Microsoft.Extensions.DependencyInjection;
using Paas.Client;
using Paas.Scheduling.Local;
using Paas.Testing;
using Xunit;

namespace Paas.Builder.Tests;

/// <summary>
/// What one app's build may reach on the builder's machine, tried as a tenant would: another app's build cache, the files
/// the platform reads as root (through symbolic links), folders of the machine as buildpacks, and processes left running.
/// </summary>
public sealed class BuildIsolationTests(BuilderPlatform fixture) : IClassFixture<BuilderPlatform>, IDisposable
{
    private readonly string _secretFile = Path.Combine(Path.GetTempPath(), "paas-root-secret-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _secret = "TOPSECRET-" + Guid.NewGuid().ToString("N");

    private static string Prober => Path.Combine(AppContext.BaseDirectory, "Fixtures", "buildpacks", "prober");

    [Fact]
    public async Task Each_app_builds_as_a_user_of_its_own_that_cannot_read_or_plant_in_another_apps_cache()
    {
        RequireRoot();
        var victim = await fixture.NewAppAsync("victim");
        var attacker = await fixture.NewAppAsync("attacker");
        var victimCache = fixture.Platform.Services.GetRequiredService<BuilderPaths>().Cache(victim);
        await SetConfigAsync(victim, ("BUILDPACK_URL", Prober), ("PROBE_SECRET", _secret));
        await SetConfigAsync(attacker, ("BUILDPACK_URL", Prober), ("PROBE_CACHE", victimCache));
        using var repo = await GitClient.FromFixtureAsync("procfile-app");

        var (victimCode, victimOutput) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(victim), "master");
        Assert.True(victimCode == 0, victimOutput);
        var (attackerCode, attackerOutput) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(attacker), "master");
        Assert.True(attackerCode == 0, attackerOutput);

        Assert.Contains($"remote:        user: {SystemUsers.Name(victim, SystemUsers.Role.Build)} uid: ", victimOutput);
        Assert.Contains($"remote:        user: {SystemUsers.Name(attacker, SystemUsers.Role.Build)} uid: ", attackerOutput);
        Assert.Contains("remote:        modes: 700 700 700", attackerOutput); // BUILD_DIR, CACHE_DIR, ENV_DIR
        Assert.Contains("PROBE could not read the other cache", attackerOutput);
        Assert.Contains("PROBE could not plant a file", attackerOutput);
        Assert.DoesNotContain(_secret, attackerOutput);
        Assert.False(File.Exists(Path.Combine(victimCache, "planted")));
        Assert.Equal(_secret + "\n", await File.ReadAllTextAsync(Path.Combine(victimCache, "secret"), TestContext.Current.CancellationToken));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(victimCache));
        }

        // What the buildpack left running in the background (setsid, out of its process tree) was killed with the build.
        await Task.Delay(200, TestContext.Current.CancellationToken); // SIGKILL is delivered asynchronously
        foreach (var app in new[] { victim, attacker })
        {
            var left = await ExternalTool.RunRawAsync("ps", TimeSpan.FromSeconds(10), "-o", "pid=,stat=,args=", "-u", SystemUsers.Name(app, SystemUsers.Role.Build));
            var running = left.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[1][0] != 'Z'); // a killed orphan stays a zombie until init reaps it
            Assert.True(!running.Any(), $"{app}'s build user still runs: {left.Output}");
        }
    }

    [Theory]
    [InlineData("Procfile")]
    [InlineData(".buildpacks")]
    [InlineData(".slugignore")]
    [InlineData("Dockerfile")]
    public async Task A_file_the_platform_reads_that_is_a_symbolic_link_is_refused_without_reading_it(string name)
    {
        await WriteSecretAsync();
        var app = await fixture.NewAppAsync("link");
        using var repo = await GitClient.FromFixtureAsync("procfile-app");
        var path = Path.Combine(repo.Directory, name);
        File.Delete(path);
        File.CreateSymbolicLink(path, _secretFile);
        await repo.RunAsync(null, null, "add", "-A");
        await repo.RunAsync(null, null, "commit", "--quiet", "-m", "link " + name);

        var (code, output) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master");

        Assert.NotEqual(0, code);
        Assert.Contains($"{name} is a symbolic link (to {_secretFile}): the platform reads {name} itself and follows no links", output);
        Assert.DoesNotContain(_secret, output);
        Assert.Empty((await fixture.Alice.ListBuildsAsync(app)).Results);
    }

    [Fact]
    public async Task A_procfile_a_buildpack_turns_into_a_symbolic_link_is_refused_without_reading_it()
    {
        await WriteSecretAsync();
        var app = await fixture.NewAppAsync("relink");
        await SetConfigAsync(app, ("BUILDPACK_URL", Prober), ("PROBE_PROCFILE", _secretFile));
        using var repo = await GitClient.FromFixtureAsync("procfile-app");

        var (code, output) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master");

        Assert.NotEqual(0, code);
        Assert.Contains($"Procfile is a symbolic link (to {_secretFile})", output);
        Assert.DoesNotContain(_secret, output);
    }

    [Fact]
    public async Task A_named_pipe_a_build_leaves_is_not_packed_and_does_not_hang_the_push()
    {
        var app = await fixture.NewAppAsync("fifo");
        await SetConfigAsync(app, ("BUILDPACK_URL", Prober), ("PROBE_FIFO", "1"));
        using var repo = await GitClient.FromFixtureAsync("procfile-app");

        var (code, output) = await repo.RunAsync("alice", fixture.AliceToken, "push", fixture.GitUrl(app), "master");

        Assert.True(code == 0, output);
        Assert.Contains("Released v", output);
    }

    [Fact]
    public async Task Buildpacks_from_folders_of_the_builders_machine_are_refused_unless_the_operator_allows_them()
    {
        await using var platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?> { ["Paas:RegistrationMode"] = "enabled" });
        var (_, token) = await platform.UserAsync("mallory");
        var client = new PaasClient(BuilderPlatform.Http, new Uri(platform.ApiUrl), token);
        await client.CreateAppAsync(new AppCreateRequest("probe"));
        using var repo = await GitClient.FromFixtureAsync("procfile-app");

        // A folder, a file:// repository (another app's, here), a relative path, ssh with the platform's keys, git's ext::.
        var repository = Path.Combine(platform.DataDir, "git", "probe.git");
        foreach (var (entry, expected) in new[]
        {
            (Prober, "names a folder on the builder's machine, which this platform does not allow (Builder:LocalBuildpacks)"),
            ("file://" + repository + "#master", "names a folder on the builder's machine"),
            ("../../git/probe.git#master", "is neither a built-in buildpack"),
            ("ssh://git@127.0.0.1/bp.git", "is neither a built-in buildpack"),
            ("git@127.0.0.1:bp.git", "is neither a built-in buildpack"),
            ("ext::sh -c touch% /tmp/pwned", "is neither a built-in buildpack"),
        })
        {
            await client.UpdateConfigAsync("probe", new ConfigUpdateRequest(new Dictionary<string, string?> { ["BUILDPACK_URL"] = entry }));
            var (code, output) = await repo.RunAsync("mallory", token, "push", "--force", $"{platform.ApiUrl}/probe.git", "master");
            Assert.NotEqual(0, code);
            Assert.Contains(entry + " " + expected, output);
            Assert.DoesNotContain("Fetching buildpack", output);
        }
    }

    [Theory]
    [InlineData("https://github.com/heroku/heroku-buildpack-nodejs", true)]
    [InlineData("https://user:token@git.example.com/private/bp.git", true)]
    [InlineData("http://git.example.com/bp.git", true)]
    [InlineData("git://git.example.com/bp.git", true)]
    [InlineData("ssh://git@example.com/bp.git", false)]
    [InlineData("git@example.com:bp.git", false)]
    [InlineData("ext::sh -c id", false)]
    [InlineData("file:///srv/bp", false)]
    [InlineData("/srv/bp", false)]
    [InlineData("../bp", false)]
    [InlineData("https:///no-host", false)]
    public void Only_http_https_and_git_urls_are_remote_buildpacks(string location, bool remote) =>
        Assert.Equal(remote, BuildpackList.IsRemote(location));

    public void Dispose() => File.Delete(_secretFile);

    private static void RequireRoot()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            ExternalTool.SkipOrFail("builds run as users of their own only when paasd runs as root");
        }
    }

    private async Task WriteSecretAsync()
    {
        await File.WriteAllTextAsync(_secretFile, _secret + "\n", TestContext.Current.CancellationToken);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_secretFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private Task SetConfigAsync(string app, params (string Name, string Value)[] vars) =>
        fixture.Alice.UpdateConfigAsync(app, new ConfigUpdateRequest(vars.ToDictionary(v => v.Name, v => (string?)v.Value)));
}

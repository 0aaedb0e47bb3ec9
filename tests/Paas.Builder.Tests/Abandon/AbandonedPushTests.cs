using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Paas.Client;
using Paas.Testing;
using Xunit;

namespace Paas.Builder.Tests;

/// <summary>
/// A push or clone whose client goes away (issue 21, "Abandoned work"): the server's <c>git receive-pack</c> or
/// <c>upload-pack</c> and everything it started end within seconds, and the quarantine a push leaves is swept once old.
/// </summary>
public sealed class AbandonedPushTests(BuilderPlatform fixture) : IClassFixture<BuilderPlatform>
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(5);

    private static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    [Fact]
    public async Task A_push_whose_client_goes_away_while_it_builds_ends_receive_pack_and_its_hook()
    {
        var app = await fixture.NewAppAsync("gone");
        await fixture.Alice.UpdateConfigAsync(app, new ConfigUpdateRequest(new Dictionary<string, string?> { ["BUILDPACK_URL"] = Fixture("buildpacks/hanging") }));
        using var repo = await GitClient.FromFixtureAsync("procfile-app");
        var repository = $"/git/{app}.git";

        using var push = repo.StartPush("alice", fixture.AliceToken, fixture.GitUrl(app));
        await ReadUntilAsync(push, "Hanging on purpose");
        Assert.Contains(ChildProcesses.Mentioning(repository), c => c.CommandLine.Contains("receive-pack", StringComparison.Ordinal));

        push.Kill(entireProcessTree: true);
        await AssertAllEndAsync(repository);

        // The killed receive-pack could not remove its quarantine: the sweep leaves it while young, removes it once old.
        var sweeper = fixture.Platform.Services.GetRequiredService<QuarantineSweeper>();
        var objects = Path.Combine(fixture.Platform.DataDir, "git", app + ".git", "objects");
        var leftover = Assert.Single(Directory.GetDirectories(objects, "tmp_objdir-incoming-*"));
        Assert.DoesNotContain(leftover, sweeper.Sweep());
        Assert.True(Directory.Exists(leftover));
        Directory.SetLastWriteTimeUtc(leftover, DateTime.UtcNow.AddHours(-2));
        // The request's handler forgets the push a moment after git is gone; until then the repository counts as receiving.
        Assert.True(await WaitForAsync(() => sweeper.Sweep().Contains(leftover)), "the old quarantine was not swept");
        Assert.False(Directory.Exists(leftover));
    }

    [Fact]
    public async Task The_quarantine_of_a_push_being_received_is_kept_however_old()
    {
        var app = await fixture.NewAppAsync("live");
        await fixture.Alice.UpdateConfigAsync(app, new ConfigUpdateRequest(new Dictionary<string, string?> { ["BUILDPACK_URL"] = Fixture("buildpacks/hanging") }));
        using var repo = await GitClient.FromFixtureAsync("procfile-app");
        using var push = repo.StartPush("alice", fixture.AliceToken, fixture.GitUrl(app));
        try
        {
            await ReadUntilAsync(push, "Hanging on purpose");
            var objects = Path.Combine(fixture.Platform.DataDir, "git", app + ".git", "objects");
            var quarantine = Assert.Single(Directory.GetDirectories(objects, "tmp_objdir-incoming-*"));
            Directory.SetLastWriteTimeUtc(quarantine, DateTime.UtcNow.AddHours(-2));
            Assert.DoesNotContain(quarantine, fixture.Platform.Services.GetRequiredService<QuarantineSweeper>().Sweep());
            Assert.True(Directory.Exists(quarantine));
        }
        finally
        {
            push.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task Old_quarantine_leftovers_are_swept_at_start_and_fresh_ones_kept()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "paas-test-" + Guid.NewGuid().ToString("N")[..12]);
        var objects = Path.Combine(dataDir, "git", "left.git", "objects");
        string[] old = [Path.Combine(objects, "tmp_objdir-incoming-Ab12Cd"), Path.Combine(objects, "incoming-Ef34Gh")];
        var fresh = Path.Combine(objects, "tmp_objdir-incoming-Ij56Kl");
        var pack = Path.Combine(objects, "pack");
        foreach (var folder in old.Append(fresh).Append(pack))
        {
            Directory.CreateDirectory(Path.Combine(folder, "pack"));
            await File.WriteAllBytesAsync(Path.Combine(folder, "pack", "pack-1.pack"), new byte[1024]);
        }

        foreach (var folder in old.Append(pack))
        {
            Directory.SetLastWriteTimeUtc(folder, DateTime.UtcNow.AddHours(-2));
        }

        await using var platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?> { ["Paas:DataDir"] = dataDir, ["Builder:LocalBuildpacks"] = "true" });
        try
        {
            Assert.True(await WaitForAsync(() => !old.Any(Directory.Exists)), "old quarantine leftovers are still there");
            Assert.True(Directory.Exists(fresh));
            Assert.True(Directory.Exists(pack)); // git's own folders are no quarantine
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task A_push_whose_client_goes_away_while_it_sends_the_pack_ends_receive_pack_and_index_pack()
    {
        var app = await fixture.NewAppAsync("cut");
        using var repo = await BigRepositoryAsync(96 << 20);
        var repository = $"/git/{app}.git";

        using var push = repo.StartPush("alice", fixture.AliceToken, fixture.GitUrl(app), "--progress");
        var receiving = await WaitForAsync(() => ChildProcesses.Mentioning(repository).Any(c => c.CommandLine.Contains("unpack-objects", StringComparison.Ordinal) || c.CommandLine.Contains("index-pack", StringComparison.Ordinal)));
        push.Kill(entireProcessTree: true);
        Assert.True(receiving, "the server never started unpacking the push");
        await AssertAllEndAsync(repository);
    }

    [Fact]
    public async Task A_clone_whose_client_goes_away_while_it_receives_ends_upload_pack()
    {
        var app = await fixture.NewAppAsync("fetch");
        using var repo = await BigRepositoryAsync(64 << 20);
        // The app's repository gets the commit straight from the disk: cloning it is what is under test, not building it.
        var bare = Path.Combine(fixture.Platform.DataDir, "git", app + ".git");
        Assert.Equal(0, (await repo.RunAsync(null, null, "init", "--bare", "--quiet", "--initial-branch=master", bare)).Code);
        Assert.Equal(0, (await repo.RunAsync(null, null, "push", "--quiet", bare, "master")).Code);
        var repository = $"/git/{app}.git";

        using var target = GitClient.Empty();
        using var clone = target.StartGit("alice", fixture.AliceToken, "clone", "--progress", fixture.GitUrl(app), target.Directory);
        // upload-pack runs for the ref advertisement too: wait for the fetch, whose pack-objects works in the repository.
        Assert.True(await WaitForAsync(() => ChildProcesses.Mentioning(repository).Any(c => c.CommandLine.Contains("pack-objects", StringComparison.Ordinal))), "the server never sent a pack");
        // The client stops reading (SIGSTOP): the server is stuck writing the pack, then the client dies.
        var client = ChildProcesses.Descendants(clone.Id).Select(c => c.Pid).Append(clone.Id).ToList();
        client.ForEach(pid => Signal("STOP", pid));
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Contains(ChildProcesses.Mentioning(repository), c => c.CommandLine.Contains("upload-pack", StringComparison.Ordinal));
        client.ForEach(pid => Signal("KILL", pid));

        await AssertAllEndAsync(repository);
    }

    private static void Signal(string signal, int pid)
    {
        using var kill = Process.Start("kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Reads the push's stderr until a line holds <paramref name="text"/>; fails after two minutes.</summary>
    internal static async Task ReadUntilAsync(Process push, string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        while (await push.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Contains(text, StringComparison.Ordinal))
            {
                return;
            }
        }

        Assert.Fail($"the push ended without printing '{text}'");
    }

    private static async Task<bool> WaitForAsync(Func<bool> condition)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > TimeSpan.FromSeconds(60))
            {
                return false;
            }

            await Task.Delay(20);
        }

        return true;
    }

    /// <summary>Fails unless every process working on <paramref name="repository"/> ends within <see cref="Prompt"/>.</summary>
    private static async Task AssertAllEndAsync(string repository)
    {
        var watch = Stopwatch.StartNew();
        IReadOnlyList<ChildProcesses.Child> left;
        while ((left = ChildProcesses.Mentioning(repository)).Count > 0 && watch.Elapsed < Prompt)
        {
            await Task.Delay(100);
        }

        Assert.True(left.Count == 0, "still running after the client went away: " + string.Join("; ", left.Select(c => $"{c.Pid} {c.CommandLine}")));
    }

    /// <summary>The procfile app plus one commit adding a file of <paramref name="bytes"/> random (incompressible) bytes.</summary>
    private static async Task<GitClient> BigRepositoryAsync(int bytes)
    {
        var repo = await GitClient.FromFixtureAsync("procfile-app");
        await File.WriteAllBytesAsync(Path.Combine(repo.Directory, "blob.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(bytes));
        await repo.CommitChangeAsync("note.txt", "with a big incompressible file");
        return repo;
    }
}

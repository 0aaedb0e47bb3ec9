using System.Diagnostics;
using Paas.Client;
using Xunit;

namespace Paas.Builder.Tests;

/// <summary>
/// A push whose client goes away (issue 21, "Abandoned work"): the server's <c>git receive-pack</c> and everything it started
/// end within seconds.
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
        var left = await WaitForNoneAsync(repository);
        Assert.True(left.Count == 0, "still running after the client went away: " + string.Join("; ", left.Select(c => $"{c.Pid} {c.CommandLine}")));

    }

    [Fact]
    public async Task A_push_whose_client_goes_away_while_it_sends_the_pack_ends_receive_pack_and_index_pack()
    {
        var app = await fixture.NewAppAsync("cut");
        using var repo = await GitClient.FromFixtureAsync("procfile-app");
        await File.WriteAllBytesAsync(Path.Combine(repo.Directory, "blob.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(96 << 20));
        await repo.CommitChangeAsync("note.txt", "with a big incompressible file");
        var repository = $"/git/{app}.git";

        using var push = repo.StartPush("alice", fixture.AliceToken, fixture.GitUrl(app), "--progress");
        var receiving = await WaitForAsync(() => ChildProcesses.Mentioning(repository).Any(c => c.CommandLine.Contains("unpack-objects", StringComparison.Ordinal) || c.CommandLine.Contains("index-pack", StringComparison.Ordinal)));
        push.Kill(entireProcessTree: true);
        Assert.True(receiving, "the server never started unpacking the push");
        var left = await WaitForNoneAsync(repository);
        Assert.True(left.Count == 0, "still running after the client went away: " + string.Join("; ", left.Select(c => $"{c.Pid} {c.CommandLine}")));
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

    private static async Task<IReadOnlyList<ChildProcesses.Child>> WaitForNoneAsync(string repository)
    {
        var watch = Stopwatch.StartNew();
        IReadOnlyList<ChildProcesses.Child> left;
        while ((left = ChildProcesses.Mentioning(repository)).Count > 0 && watch.Elapsed < Prompt)
        {
            await Task.Delay(100);
        }

        return left;
    }
}

using Paas.Client;
using Paas.Testing;
using Xunit;

namespace Paas.Builder.Tests;

/// <summary>A push larger than Builder:MaxPushBytes is refused by git with a clear message; nothing is built or released.</summary>
public sealed class HugePushTests
{
    [Fact]
    public async Task A_push_over_the_size_limit_is_refused_with_a_clear_message()
    {
        await using var platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?> { ["Builder:MaxPushBytes"] = "65536" });
        var (_, token) = await platform.UserAsync("alice");
        var client = new PaasClient(BuilderPlatform.Http, new Uri(platform.ApiUrl), token);
        await client.CreateAppAsync(new AppCreateRequest("huge"));
        using var repo = await GitClient.FromFixtureAsync("procfile-app");
        await File.WriteAllBytesAsync(Path.Combine(repo.Directory, "blob.bin"), System.Security.Cryptography.RandomNumberGenerator.GetBytes(512 * 1024));
        await repo.CommitChangeAsync("note.txt", "with a big incompressible file");

        var (code, output) = await repo.RunAsync("alice", token, "push", $"{platform.ApiUrl}/huge.git", "master");
        Assert.NotEqual(0, code);
        Assert.Contains("exceeds maximum allowed size", output);
        Assert.Empty((await client.ListBuildsAsync("huge")).Results);
    }
}

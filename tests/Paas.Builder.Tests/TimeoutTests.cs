using Paas.Client;
using Paas.Testing;
using Xunit;

namespace Paas.Builder.Tests;

/// <summary>A buildpack that hangs is stopped by the build timeout and the push is refused.</summary>
public sealed class TimeoutTests
{
    [Fact]
    public async Task A_hanging_buildpack_is_stopped_by_the_build_timeout()
    {
        await using var platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?> { ["Builder:BuildTimeout"] = "00:00:03", ["Builder:LocalBuildpacks"] = "true" });
        var (_, token) = await platform.UserAsync("alice");
        var client = new PaasClient(BuilderPlatform.Http, new Uri(platform.ApiUrl), token);
        await client.CreateAppAsync(new AppCreateRequest("hang"));
        await client.UpdateConfigAsync("hang", new ConfigUpdateRequest(new Dictionary<string, string?>
        {
            ["BUILDPACK_URL"] = Path.Combine(AppContext.BaseDirectory, "Fixtures", "buildpacks", "hanging"),
        }));
        using var repo = await GitClient.FromFixtureAsync("procfile-app");
        var started = DateTime.UtcNow;
        var (code, output) = await repo.RunAsync("alice", token, "push", $"{platform.ApiUrl}/hang.git", "master");
        Assert.NotEqual(0, code);
        Assert.Contains("remote: -----> Hanging on purpose", output);
        Assert.Contains("remote:  !     the build ran longer than 3 s and was stopped", output);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(30));
        Assert.Empty((await client.ListBuildsAsync("hang")).Results);
    }
}

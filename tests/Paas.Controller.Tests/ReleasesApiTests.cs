using System.Net;
using Paas.Client;
using Paas.Testing;
using Xunit;

namespace Paas.Controller.Tests;

public sealed class ReleasesApiTests
{
    private static ConfigUpdateRequest Set(params (string Key, string? Value)[] values) =>
        new(values.ToDictionary(v => v.Key, v => v.Value));

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Config_changes_make_releases_with_heroku_summaries(string backend)
    {
        await using var platform = await TestPlatform.StartAsync(backend);
        var (alice, _) = await platform.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);

        var v2 = await (await alice.Post("/v2/apps/hello/config", Set(("FOO", "1"), ("BAR", "2")))).Read<ConfigInfo>(HttpStatusCode.Created);
        Assert.Equal(2, v2.Release);
        var v3 = await (await alice.Post("/v2/apps/hello/config", Set(("FOO", "changed"), ("BAR", null), ("NEW", "x")))).Read<ConfigInfo>(HttpStatusCode.Created);
        Assert.Equal(new Dictionary<string, string> { ["FOO"] = "changed", ["NEW"] = "x" }, v3.Values);

        await (await alice.Post("/v2/apps/hello/config", Set(("FOO", "changed")))).Problem(HttpStatusCode.Conflict, "nothing changed");
        await (await alice.Post("/v2/apps/hello/config", Set(("MISSING", null)))).Problem(HttpStatusCode.Conflict, "nothing changed");

        var releases = await alice.Get<PagedList<ReleaseInfo>>("/v2/apps/hello/releases");
        Assert.Equal(["alice added NEW, changed FOO, removed BAR", "alice added BAR, FOO", "alice created initial release"], releases.Results.Select(r => r.Summary));
        Assert.True(releases.Results[0].Current);

        var config = await alice.Get<ConfigInfo>("/v2/apps/hello/config");
        Assert.Equal(3, config.Release);
        var info = await alice.Get<ReleaseInfo>("/v2/apps/hello/releases/v2");
        Assert.Equal(new Dictionary<string, string> { ["BAR"] = "2", ["FOO"] = "1" }, info.Config);
    }

    [Theory]
    [InlineData("1ABC", "not a valid config var name")]
    [InlineData("WITH-DASH", "not a valid config var name")]
    [InlineData("PORT", "set by the platform")]
    [InlineData("PAAS_APP", "set by the platform")]
    [InlineData("", "cannot be empty")]
    public async Task Bad_config_names_are_refused(string key, string reason)
    {
        await using var platform = await TestPlatform.StartAsync();
        var (alice, _) = await platform.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await alice.Post("/v2/apps/hello/config", Set((key, "v"), ("GOOD", "v")))).Problem(HttpStatusCode.BadRequest, reason);
        Assert.Single((await alice.Get<PagedList<ReleaseInfo>>("/v2/apps/hello/releases")).Results);
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Builds_deploy_and_rollback_restores_build_and_config(string backend)
    {
        await using var platform = await TestPlatform.StartAsync(backend);
        var (alice, _) = await platform.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);

        var types = new Dictionary<string, string> { ["web"] = "npm start", ["worker"] = "node worker.js" };
        var build = await (await alice.Post("/v2/apps/hello/builds", new BuildCreateRequest("127.0.0.1:5000/hello:git-1a2b3c4", types, "1a2b3c4d5e6f"))).Read<BuildInfo>(HttpStatusCode.Created); // v2
        Assert.Equal("deploy hello v2", platform.Scheduler.Calls[^1]);
        Assert.Equal(2, build.Release);
        Assert.Equal(new Dictionary<string, int> { ["web"] = 1, ["worker"] = 0 }, platform.Scheduler.Running("hello")!.Formation);
        await (await alice.Post("/v2/apps/hello/config", Set(("GREETING", "hi")))).Read<ConfigInfo>(HttpStatusCode.Created); // v3
        Assert.Equal("hi", platform.Scheduler.Running("hello")!.Config["GREETING"]);

        await (await alice.Post("/v2/apps/hello/releases/rollback", new RollbackRequest(1))).Problem(HttpStatusCode.BadRequest, "v1 has no build");
        await (await alice.Post("/v2/apps/hello/releases/rollback", new RollbackRequest(3))).Problem(HttpStatusCode.BadRequest, "already");
        await (await alice.Post("/v2/apps/hello/releases/rollback", new RollbackRequest(9))).Problem(HttpStatusCode.NotFound, "no release v9");

        var v4 = await (await alice.Post("/v2/apps/hello/releases/rollback", new RollbackRequest(2))).Read<ReleaseInfo>(HttpStatusCode.Created);
        Assert.Equal(4, v4.Version);
        Assert.Equal("alice rolled back to v2", v4.Summary);
        Assert.Equal(build.Id, v4.BuildId);
        Assert.False(platform.Scheduler.Running("hello")!.Config.ContainsKey("GREETING"));

        var v5 = await (await alice.Post("/v2/apps/hello/releases/rollback", null as RollbackRequest)).Read<ReleaseInfo>(HttpStatusCode.Created);
        Assert.Equal("alice rolled back to v3", v5.Summary);
        Assert.Equal("hi", platform.Scheduler.Running("hello")!.Config["GREETING"]);

        var builds = await alice.Get<PagedList<BuildInfo>>("/v2/apps/hello/builds");
        Assert.Equal(build.Id, Assert.Single(builds.Results).Id);
        Assert.Equal("alice deployed 1a2b3c4", (await alice.Get<ReleaseInfo>("/v2/apps/hello/releases/v2")).Summary);
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task A_failed_deploy_is_recorded_and_the_previous_release_keeps_serving(string backend)
    {
        await using var platform = await TestPlatform.StartAsync(backend);
        var (alice, _) = await platform.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await alice.Post("/v2/apps/hello/builds", new BuildCreateRequest("hello:1"))).Read<BuildInfo>(HttpStatusCode.Created); // v2

        platform.Scheduler.FailNextDeploy("web.1 did not listen on PORT within 60 s");
        var problem = await (await alice.Post("/v2/apps/hello/config", Set(("BROKEN", "yes")))).Problem((HttpStatusCode)422, "v3 was recorded but failed to deploy: web.1 did not listen");
        Assert.Equal("Deploy Failed", problem.Title);

        var releases = await alice.Get<PagedList<ReleaseInfo>>("/v2/apps/hello/releases");
        Assert.Equal(ReleaseStatus.Failed, releases.Results[0].Status);
        Assert.Equal("web.1 did not listen on PORT within 60 s", releases.Results[0].FailureReason);
        Assert.True(releases.Results[1].Current);
        Assert.Equal(2, (await alice.Get<AppInfo>("/v2/apps/hello")).Release);
        Assert.False((await alice.Get<ConfigInfo>("/v2/apps/hello/config")).Values.ContainsKey("BROKEN"));

        await (await alice.Post("/v2/apps/hello/releases/rollback", new RollbackRequest(3))).Problem(HttpStatusCode.BadRequest, "v3 failed to deploy");

        // The next change builds on the last good release, not on the failed one.
        var v4 = await (await alice.Post("/v2/apps/hello/config", Set(("OTHER", "1")))).Read<ConfigInfo>(HttpStatusCode.Created);
        Assert.Equal(4, v4.Release);
        Assert.False(v4.Values.ContainsKey("BROKEN"));
        Assert.NotNull(problem);
    }

    [Fact]
    public async Task Bad_builds_are_refused()
    {
        await using var platform = await TestPlatform.StartAsync();
        var (alice, _) = await platform.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await alice.Post("/v2/apps/hello/builds", new BuildCreateRequest("Not An Image"))).Problem(HttpStatusCode.BadRequest, "not a valid image reference");
        await (await alice.Post("/v2/apps/hello/builds", new BuildCreateRequest("hello:1", new Dictionary<string, string> { ["Web Server"] = "x", ["worker"] = " " }))).Problem(HttpStatusCode.BadRequest, "not a valid process type");
        await (await alice.Post("/v2/apps/hello/builds", new BuildCreateRequest("hello:1", null, "xyz"))).Problem(HttpStatusCode.BadRequest, "not a git commit id");
        await (await alice.GetAsync("/v2/apps/hello/releases/vx")).Problem(HttpStatusCode.BadRequest, "not a release version");
        await (await alice.GetAsync("/v2/apps/hello/releases?limit=0")).Problem(HttpStatusCode.BadRequest, "limit=0 is out of range");
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Concurrent_config_changes_get_unique_gapless_versions_and_lose_nothing(string backend)
    {
        await using var platform = await TestPlatform.StartAsync(backend);
        var (alice, _) = await platform.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("busy"))).Read<AppInfo>(HttpStatusCode.Created);

        const int Writers = 24;
        var responses = await Task.WhenAll(Enumerable.Range(0, Writers).Select(i => alice.Post("/v2/apps/busy/config", Set(($"KEY_{i}", $"{i}")))));
        var versions = new List<int>();
        foreach (var response in responses)
        {
            versions.Add((await response.Read<ConfigInfo>(HttpStatusCode.Created)).Release);
        }

        Assert.Equal(Enumerable.Range(2, Writers), versions.Order());
        var config = await alice.Get<ConfigInfo>("/v2/apps/busy/config");
        Assert.Equal(Writers, config.Values.Count);
        var all = await alice.Get<PagedList<ReleaseInfo>>("/v2/apps/busy/releases?limit=1000");
        Assert.Equal(Enumerable.Range(1, Writers + 1).Reverse(), all.Results.Select(r => r.Version));
    }

    [Fact]
    public async Task Release_lists_page_with_links()
    {
        await using var platform = await TestPlatform.StartAsync();
        var (alice, _) = await platform.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("paged"))).Read<AppInfo>(HttpStatusCode.Created);
        for (var i = 0; i < 4; i++)
        {
            await (await alice.Post("/v2/apps/paged/config", Set(("N", $"{i}")))).Read<ConfigInfo>(HttpStatusCode.Created);
        }

        var first = await alice.Get<PagedList<ReleaseInfo>>("/v2/apps/paged/releases?limit=2");
        Assert.Equal(5, first.Count);
        Assert.Equal([5, 4], first.Results.Select(r => r.Version));
        Assert.True(first.Results[0].Current);
        var second = await alice.Get<PagedList<ReleaseInfo>>(first.Next!);
        Assert.Equal([3, 2], second.Results.Select(r => r.Version));
        Assert.False(second.Results[0].Current);
        Assert.NotNull(second.Previous);
    }
}

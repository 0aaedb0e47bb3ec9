using System.Net;
using Paas.Client;
using Paas.Testing;
using Xunit;

namespace Paas.Controller.Tests;

public sealed class FormationApiTests
{
    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Scale_accepts_only_types_of_the_current_build(string backend)
    {
        await using var platform = await TestPlatform.StartAsync(backend);
        var (alice, _) = await platform.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await alice.Post("/v2/apps/hello/scale", new Dictionary<string, int> { ["web"] = 2 })).Problem(HttpStatusCode.BadRequest, "has no build yet");

        await (await alice.Post("/v2/apps/hello/builds", new BuildCreateRequest("hello:1", new Dictionary<string, string> { ["web"] = "npm start", ["worker"] = "node w.js" }))).Read<BuildInfo>(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NoContent, (await alice.Post("/v2/apps/hello/scale", new Dictionary<string, int> { ["web"] = 4, ["worker"] = 1 })).StatusCode);
        Assert.Equal("scale hello web=4 worker=1", platform.Scheduler.Calls[^1]);

        var pods = await alice.Get<PagedList<ProcessInfo>>("/v2/apps/hello/pods");
        Assert.Equal(["web.1", "web.2", "web.3", "web.4", "worker.1"], pods.Results.Select(p => p.Name));
        Assert.Equal(new Dictionary<string, int> { ["web"] = 4, ["worker"] = 1 }, (await alice.Get<AppInfo>("/v2/apps/hello")).Structure);

        var problem = await (await alice.Post("/v2/apps/hello/scale", new Dictionary<string, int> { ["clock"] = 1, ["web"] = -1 })).Problem(HttpStatusCode.BadRequest, "no process type 'clock'");
        Assert.Contains("web=-1 is out of range", problem.Detail, StringComparison.Ordinal);
        await (await alice.Post("/v2/apps/hello/scale", new Dictionary<string, int>())).Problem(HttpStatusCode.BadRequest, "no process types given");

        // A later deploy keeps the counts that were set.
        await (await alice.Post("/v2/apps/hello/builds", new BuildCreateRequest("hello:2", new Dictionary<string, string> { ["web"] = "npm start", ["worker"] = "node w.js" }))).Read<BuildInfo>(HttpStatusCode.Created);
        Assert.Equal(4, platform.Scheduler.Running("hello")!.Formation["web"]);

        Assert.Equal(HttpStatusCode.NoContent, (await alice.Post("/v2/apps/hello/pods/restart", new RestartRequest("web"))).StatusCode);
        Assert.Equal("restart hello web", platform.Scheduler.Calls[^1]);
        await (await alice.Post("/v2/apps/hello/pods/restart", new RestartRequest("web.x"))).Problem(HttpStatusCode.BadRequest, "names neither");
    }
}

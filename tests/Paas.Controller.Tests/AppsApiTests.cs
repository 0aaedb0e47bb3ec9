using System.Net;
using Paas.Client;
using Paas.Testing;
using Xunit;

namespace Paas.Controller.Tests;

public sealed class AppsApiTests
{
    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Create_list_info_and_destroy(string backend)
    {
        await using var platform = await TestPlatform.StartAsync(backend);
        var (alice, _) = await platform.UserAsync("alice");

        var hello = await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);
        Assert.Equal("alice", hello.Owner);
        Assert.Equal(1, hello.Release);
        Assert.StartsWith("http://hello.localhost:", hello.Url, StringComparison.Ordinal);

        var random = await (await alice.Post("/v2/apps", new AppCreateRequest())).Read<AppInfo>(HttpStatusCode.Created);
        Assert.Matches("^[a-z]+-[a-z]+-[0-9]{4}$", random.Name);

        var list = await alice.Get<PagedList<AppInfo>>("/v2/apps");
        Assert.Equal(2, list.Count);

        var releases = await alice.Get<PagedList<ReleaseInfo>>("/v2/apps/hello/releases");
        var v1 = Assert.Single(releases.Results);
        Assert.Equal("alice created initial release", v1.Summary);

        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync("/v2/apps/hello")).StatusCode);
        await (await alice.GetAsync("/v2/apps/hello")).Problem(HttpStatusCode.NotFound, "no app named 'hello'");
        Assert.Contains("destroy hello", platform.Scheduler.Calls);
    }

    /// <summary><c>GET /v2/apps</c> pages as its <c>next</c> and <c>previous</c> promise (issue "The first hour", item 11), and only over the caller's apps.</summary>
    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task The_app_list_pages_by_limit_and_offset(string backend)
    {
        await using var platform = await TestPlatform.StartAsync(backend, new Dictionary<string, string?> { ["Paas:RegistrationMode"] = "enabled" });
        var (alice, _) = await platform.UserAsync("alice");
        var (bob, _) = await platform.UserAsync("bob");
        foreach (var name in new[] { "e-app", "a-app", "d-app", "c-app", "b-app" })
        {
            await (await alice.Post("/v2/apps", new AppCreateRequest(name))).Read<AppInfo>(HttpStatusCode.Created);
        }

        await (await bob.Post("/v2/apps", new AppCreateRequest("bobs-app"))).Read<AppInfo>(HttpStatusCode.Created);

        var first = await alice.Get<PagedList<AppInfo>>("/v2/apps?limit=2");
        Assert.Equal((6, "/v2/apps?limit=2&offset=2", (string?)null), (first.Count, first.Next, first.Previous)); // alice is the first user: an admin, who sees bob's app too
        Assert.Equal(["a-app", "b-app"], first.Results.Select(a => a.Name));
        var second = await alice.Get<PagedList<AppInfo>>(first.Next!);
        Assert.Equal(["bobs-app", "c-app"], second.Results.Select(a => a.Name));
        var last = await alice.Get<PagedList<AppInfo>>("/v2/apps?limit=2&offset=4");
        Assert.Equal(["d-app", "e-app"], last.Results.Select(a => a.Name));
        var beyond = await alice.Get<PagedList<AppInfo>>("/v2/apps?limit=2&offset=6");
        Assert.Equal((0, (string?)null, "/v2/apps?limit=2&offset=4"), (beyond.Results.Count, beyond.Next, beyond.Previous));

        var bobs = await bob.Get<PagedList<AppInfo>>("/v2/apps?limit=1");
        Assert.Equal((1, "bobs-app", (string?)null), (bobs.Count, Assert.Single(bobs.Results).Name, bobs.Next));
        await (await alice.GetAsync("/v2/apps?limit=0")).Problem(HttpStatusCode.BadRequest, "limit=0 is out of range");
        await (await alice.GetAsync("/v2/apps?limit=1001")).Problem(HttpStatusCode.BadRequest, "use 1 to 1000");
    }

    /// <summary>Every other list endpoint pages the same way (issue "The first hour", item 11): users, teams, an app's domains, perms and processes, certificates.</summary>
    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task The_other_lists_page_by_limit_and_offset_too(string backend)
    {
        await using var platform = await TestPlatform.StartAsync(backend, new Dictionary<string, string?> { ["Paas:RegistrationMode"] = "enabled" });
        var (alice, _) = await platform.UserAsync("alice");
        await platform.UserAsync("bob");
        await platform.UserAsync("carol");
        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);
        foreach (var domain in new[] { "c.example.com", "a.example.com", "b.example.com" })
        {
            await (await alice.Post("/v2/apps/hello/domains", new DomainCreateRequest(domain))).Read<DomainInfo>(HttpStatusCode.Created);
        }

        foreach (var team in new[] { "web", "ops" })
        {
            Assert.Equal(HttpStatusCode.Created, (await alice.Post("/v2/teams", new TeamCreateRequest(team))).StatusCode);
        }

        Assert.True((await alice.Post("/v2/apps/hello/perms", new PermissionCreateRequest("bob"))).IsSuccessStatusCode);
        Assert.True((await alice.Post("/v2/apps/hello/perms", new PermissionCreateRequest("carol"))).IsSuccessStatusCode);

        await PagesAsync<UserInfo>("/v2/users", 3, u => u.Username, ["alice", "bob", "carol"]);
        await PagesAsync<TeamInfo>("/v2/teams", 2, t => t.Name, ["ops", "web"]);
        await PagesAsync<DomainInfo>("/v2/apps/hello/domains", 3, d => d.Domain, ["a.example.com", "b.example.com", "c.example.com"]);
        await PagesAsync<PermissionInfo>("/v2/apps/hello/perms", 2, p => p.Username!, ["bob", "carol"]);
        var certs = await alice.Get<PagedList<CertificateInfo>>("/v2/certs?limit=1");
        Assert.Equal((0, (string?)null), (certs.Count, certs.Next));
        await (await alice.GetAsync("/v2/apps/hello/domains?limit=0")).Problem(HttpStatusCode.BadRequest, "limit=0 is out of range");

        async Task PagesAsync<T>(string path, int count, Func<T, string> name, string[] expected)
        {
            var seen = new List<string>();
            string? next = path + "?limit=1";
            while (next is not null)
            {
                var page = await alice.Get<PagedList<T>>(next);
                Assert.Equal(count, page.Count);
                Assert.Equal(seen.Count == 0 ? null : $"{path}?limit=1&offset={seen.Count - 1}", page.Previous);
                seen.Add(name(Assert.Single(page.Results)));
                next = page.Next;
            }

            Assert.Equal(expected, seen);
        }
    }

    [Theory]
    [InlineData("Hello", "lower-case")]
    [InlineData("-hello", "starting with a letter")]
    [InlineData("hello-", "not ending with a dash")]
    [InlineData("1hello", "starting with a letter")]
    [InlineData("hello_world", "lower-case letters, digits and dashes")]
    [InlineData("abcdefghijabcdefghijabcdefghijk", "at most 30")]
    [InlineData("registry", "reserved")]
    [InlineData("../etc", "not a valid app name")]
    public async Task Bad_names_are_refused(string name, string reason)
    {
        await using var platform = await TestPlatform.StartAsync();
        var (alice, _) = await platform.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest(name))).Problem(HttpStatusCode.BadRequest, reason);
    }

    [Fact]
    public async Task A_taken_name_is_a_conflict()
    {
        await using var platform = await TestPlatform.StartAsync();
        var (alice, _) = await platform.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Problem(HttpStatusCode.Conflict, "taken");
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Someone_elses_app_is_forbidden_until_shared(string backend)
    {
        await using var platform = await TestPlatform.StartAsync(backend, new Dictionary<string, string?> { ["Paas:RegistrationMode"] = "enabled" });
        var (alice, _) = await platform.UserAsync("alice");
        var (bob, _) = await platform.UserAsync("bob");
        await (await bob.Post("/v2/apps", new AppCreateRequest("bobs-app"))).Read<AppInfo>(HttpStatusCode.Created);

        // alice is the first user, so an admin: she sees everything. carol is not.
        var (carol, _) = await platform.UserAsync("carol");
        await (await carol.GetAsync("/v2/apps/bobs-app")).Problem(HttpStatusCode.NotFound, "there is no app named 'bobs-app' that you can access");
        var missing = await (await carol.GetAsync("/v2/apps/no-such-app")).Problem(HttpStatusCode.NotFound);
        Assert.Equal("there is no app named 'no-such-app' that you can access: run 'paas apps' to list yours", missing.Detail); // the same answer: existence is not revealed
        await (await carol.Post("/v2/apps/bobs-app/config", new ConfigUpdateRequest(new Dictionary<string, string?> { ["A"] = "1" }))).Problem(HttpStatusCode.NotFound);
        await (await carol.DeleteAsync("/v2/apps/bobs-app")).Problem(HttpStatusCode.NotFound);
        Assert.Empty((await carol.Get<PagedList<AppInfo>>("/v2/apps")).Results);

        await (await bob.Post("/v2/apps/bobs-app/perms", new PermissionCreateRequest("carol", "view"))).Read<PermissionInfo>(HttpStatusCode.Created);
        Assert.Single((await carol.Get<PagedList<AppInfo>>("/v2/apps")).Results);
        await carol.Get<AppInfo>("/v2/apps/bobs-app");
        await (await carol.Post("/v2/apps/bobs-app/config", new ConfigUpdateRequest(new Dictionary<string, string?> { ["A"] = "1" }))).Problem(HttpStatusCode.Forbidden, "your role on bobs-app is view; this needs deploy");
        Assert.Equal("view", (await carol.Get<PermissionInfo>("/v2/apps/bobs-app/access")).Role);
        Assert.Equal("admin", (await bob.Get<PermissionInfo>("/v2/apps/bobs-app/access")).Role);

        await (await bob.Post("/v2/apps/bobs-app/perms", new PermissionCreateRequest("carol", "deploy"))).Read<PermissionInfo>(HttpStatusCode.Created);
        await (await carol.Post("/v2/apps/bobs-app/config", new ConfigUpdateRequest(new Dictionary<string, string?> { ["A"] = "1" }))).Read<ConfigInfo>(HttpStatusCode.Created);
        await (await carol.DeleteAsync("/v2/apps/bobs-app")).Problem(HttpStatusCode.Forbidden, "this needs admin");

        Assert.Equal(HttpStatusCode.NoContent, (await bob.DeleteAsync("/v2/apps/bobs-app/perms/carol")).StatusCode);
        await (await carol.GetAsync("/v2/apps/bobs-app")).Problem(HttpStatusCode.NotFound);

        await alice.Get<AppInfo>("/v2/apps/bobs-app");
    }

    [Fact]
    public async Task Transfer_gives_the_app_to_another_user()
    {
        await using var platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?> { ["Paas:RegistrationMode"] = "enabled" });
        await platform.UserAsync("admin");
        var (bob, _) = await platform.UserAsync("bob");
        var (carol, _) = await platform.UserAsync("carol");
        await (await bob.Post("/v2/apps", new AppCreateRequest("moving"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await bob.Post("/v2/apps/moving/transfer", new AppTransferRequest("nobody"))).Problem(HttpStatusCode.BadRequest, "no user named 'nobody'");
        var moved = await (await bob.Post("/v2/apps/moving/transfer", new AppTransferRequest("carol"))).Read<AppInfo>();
        Assert.Equal("carol", moved.Owner);
        await (await bob.GetAsync("/v2/apps/moving")).Problem(HttpStatusCode.NotFound);
        await carol.Get<AppInfo>("/v2/apps/moving");
    }
}

using System.Net;
using System.Net.Http.Json;
using Paas.Client;
using Paas.Testing;
using Xunit;

namespace Paas.Controller.Tests;

/// <summary>Platform teams, apps shared with teams, and the boundary of each role on every app route.</summary>
public sealed class TeamsApiTests
{
    /// <summary>Every app route and the least role it needs (the rule: view reads, deploy changes, admin shares and destroys).</summary>
    private static readonly (HttpMethod Method, string Path, object? Body, string Needs)[] Routes =
    [
        (HttpMethod.Get, "/v2/apps/shop", null, "view"),
        (HttpMethod.Get, "/v2/apps/shop/releases", null, "view"),
        (HttpMethod.Get, "/v2/apps/shop/releases/v1", null, "view"),
        (HttpMethod.Get, "/v2/apps/shop/builds", null, "view"),
        (HttpMethod.Get, "/v2/apps/shop/pods", null, "view"),
        (HttpMethod.Get, "/v2/apps/shop/logs?lines=1", null, "view"),
        (HttpMethod.Get, "/v2/apps/shop/perms", null, "view"),
        (HttpMethod.Get, "/v2/apps/shop/access", null, "view"),
        (HttpMethod.Get, "/v2/apps/shop/domains", null, "view"),
        (HttpMethod.Get, "/v2/apps/shop/settings", null, "view"),
        (HttpMethod.Get, "/v2/apps/shop/limits", null, "view"),
        (HttpMethod.Get, "/v2/apps/shop/healthchecks", null, "view"),
        (HttpMethod.Get, "/v2/apps/shop/autoscale", null, "view"),
        (HttpMethod.Get, "/v2/apps/shop/config", null, "deploy"),
        (HttpMethod.Post, "/v2/apps/shop/config", new ConfigUpdateRequest(new Dictionary<string, string?> { ["A"] = Guid.NewGuid().ToString("N") }), "deploy"),
        (HttpMethod.Post, "/v2/apps/shop/builds", new BuildCreateRequest("registry.local/shop@sha256:" + new string('a', 64)), "deploy"),
        (HttpMethod.Post, "/v2/apps/shop/scale", new Dictionary<string, int> { ["web"] = 1 }, "deploy"),
        (HttpMethod.Post, "/v2/apps/shop/pods/restart", new RestartRequest(), "deploy"),
        (HttpMethod.Post, "/v2/apps/shop/releases/rollback", new RollbackRequest(2), "deploy"),
        (HttpMethod.Post, "/v2/apps/shop/run", new RunCreateRequest("true"), "deploy"),
        (HttpMethod.Post, "/v2/apps/shop/settings", new AppSettingsInfo(Maintenance: false), "deploy"),
        (HttpMethod.Post, "/v2/apps/shop/limits", new LimitsUpdateRequest(new Dictionary<string, string?> { ["web"] = "512M" }), "deploy"),
        (HttpMethod.Post, "/v2/apps/shop/healthchecks", new HealthCheckSetRequest("web", "/health"), "deploy"),
        (HttpMethod.Delete, "/v2/apps/shop/healthchecks/web", null, "deploy"),
        (HttpMethod.Put, "/v2/apps/shop/autoscale/web", new AutoscalePolicyInfo(1, 2, 50), "deploy"),
        (HttpMethod.Delete, "/v2/apps/shop/autoscale/web", null, "deploy"),
        (HttpMethod.Post, "/v2/apps/shop/perms", new PermissionCreateRequest("dave", "view"), "admin"),
        (HttpMethod.Delete, "/v2/apps/shop/perms/dave", null, "admin"),
        (HttpMethod.Post, "/v2/apps/shop/domains", new DomainCreateRequest("shop.example.com"), "admin"),
        (HttpMethod.Delete, "/v2/apps/shop/domains/shop.example.com", null, "admin"),
        (HttpMethod.Post, "/v2/apps/shop/transfer", new AppTransferRequest("nobody"), "admin"),
        (HttpMethod.Delete, "/v2/apps/shop", null, "admin"),
    ];

    private static readonly string[] Roles = ["view", "deploy", "admin"];

    [Fact]
    public async Task A_teams_role_is_its_members_role_on_every_app_route()
    {
        await using var platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?> { ["Paas:RegistrationMode"] = "enabled" });
        var (admin, _) = await platform.UserAsync("admin");
        var (bob, _) = await platform.UserAsync("bob");
        var (carol, _) = await platform.UserAsync("carol");
        await platform.UserAsync("dave");
        await (await bob.Post("/v2/apps", new AppCreateRequest("shop"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await bob.Post("/v2/apps/shop/builds", new BuildCreateRequest("registry.local/shop@sha256:" + new string('b', 64)))).Read<BuildInfo>(HttpStatusCode.Created);
        await (await admin.Post("/v2/teams", new TeamCreateRequest("Web Team"))).Read<TeamInfo>(HttpStatusCode.Created);
        await (await admin.Post("/v2/teams/web%20team/members", new TeamMemberRequest("carol"))).Read<TeamMemberRequest>(HttpStatusCode.Created);

        foreach (var role in Roles)
        {
            await (await bob.Post("/v2/apps/shop/perms", new PermissionCreateRequest(null, role, "web team"))).Read<PermissionInfo>(HttpStatusCode.Created);
            Assert.Equal(role, (await carol.Get<PermissionInfo>("/v2/apps/shop/access")).Role);
            foreach (var (method, path, body, needs) in Routes)
            {
                using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: PaasJson.Options) };
                using var response = await carol.SendAsync(request);
                var text = await response.Content.ReadAsStringAsync();
                if (Array.IndexOf(Roles, role) < Array.IndexOf(Roles, needs))
                {
                    Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{method} {path} as {role}: expected 403, got {(int)response.StatusCode} {text}");
                    Assert.Contains($"this needs {needs}", text, StringComparison.Ordinal);
                }
                else
                {
                    Assert.True(response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized) && (int)response.StatusCode < 500, $"{method} {path} as {role}: expected to be allowed, got {(int)response.StatusCode} {text}");
                }
            }
        }

        // The admin pass ended with DELETE /v2/apps/shop: a team admin may destroy.
        await (await bob.GetAsync("/v2/apps/shop")).Problem(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task View_members_see_releases_without_their_config_vars()
    {
        await using var platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?> { ["Paas:RegistrationMode"] = "enabled" });
        await platform.UserAsync("admin");
        var (bob, _) = await platform.UserAsync("bob");
        var (carol, _) = await platform.UserAsync("carol");
        await (await bob.Post("/v2/apps", new AppCreateRequest("vault"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await bob.Post("/v2/apps/vault/config", new ConfigUpdateRequest(new Dictionary<string, string?> { ["SECRET"] = "s3cr3t" }))).Read<ConfigInfo>(HttpStatusCode.Created);
        await (await bob.Post("/v2/apps/vault/perms", new PermissionCreateRequest("carol", "view"))).Read<PermissionInfo>(HttpStatusCode.Created);

        var seen = await carol.Get<ReleaseInfo>("/v2/apps/vault/releases/v2");
        Assert.Null(seen.Config);
        Assert.Equal("s3cr3t", (await bob.Get<ReleaseInfo>("/v2/apps/vault/releases/v2")).Config!["SECRET"]);
        await (await carol.GetAsync("/v2/apps/vault/config")).Problem(HttpStatusCode.Forbidden, "your role on vault is view; this needs deploy");
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Team_membership_changes_take_effect_at_once(string backend)
    {
        await using var platform = await TestPlatform.StartAsync(backend, new Dictionary<string, string?> { ["Paas:RegistrationMode"] = "enabled" });
        var (admin, _) = await platform.UserAsync("admin");
        var (bob, _) = await platform.UserAsync("bob");
        var (carol, _) = await platform.UserAsync("carol");
        await (await bob.Post("/v2/apps", new AppCreateRequest("orders"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await admin.Post("/v2/teams", new TeamCreateRequest("backend"))).Read<TeamInfo>(HttpStatusCode.Created);
        await (await bob.Post("/v2/apps/orders/perms", new PermissionCreateRequest(null, "deploy", "backend"))).Read<PermissionInfo>(HttpStatusCode.Created);

        await (await carol.GetAsync("/v2/apps/orders")).Problem(HttpStatusCode.NotFound);
        Assert.Empty((await carol.Get<PagedList<AppInfo>>("/v2/apps")).Results);

        await (await admin.Post("/v2/teams/backend/members", new TeamMemberRequest("carol"))).Read<TeamMemberRequest>(HttpStatusCode.Created);
        Assert.Equal("orders", Assert.Single((await carol.Get<PagedList<AppInfo>>("/v2/apps")).Results).Name);
        Assert.Equal("deploy", (await carol.Get<PermissionInfo>("/v2/apps/orders/access")).Role);
        Assert.Equal(["backend"], (await carol.Get<UserInfo>("/v2/auth/whoami")).Teams);

        // A direct grant and a team grant: the higher one counts, and each can be removed on its own.
        await (await bob.Post("/v2/apps/orders/perms", new PermissionCreateRequest("carol", "view"))).Read<PermissionInfo>(HttpStatusCode.Created);
        Assert.Equal("deploy", (await carol.Get<PermissionInfo>("/v2/apps/orders/access")).Role);
        var perms = await bob.Get<PagedList<PermissionInfo>>("/v2/apps/orders/perms");
        Assert.Contains(perms.Results, p => p is { Username: "carol", Role: "view", Team: null });
        Assert.Contains(perms.Results, p => p is { Username: null, Role: "deploy", Team: "backend" });

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/v2/teams/backend/members/carol")).StatusCode);
        Assert.Equal("view", (await carol.Get<PermissionInfo>("/v2/apps/orders/access")).Role);
        Assert.Equal(HttpStatusCode.NoContent, (await bob.DeleteAsync("/v2/apps/orders/perms/carol")).StatusCode);
        await (await carol.GetAsync("/v2/apps/orders")).Problem(HttpStatusCode.NotFound);

        // Deleting a team takes the access it gave.
        await (await admin.Post("/v2/teams/backend/members", new TeamMemberRequest("carol"))).Read<TeamMemberRequest>(HttpStatusCode.Created);
        await carol.Get<AppInfo>("/v2/apps/orders");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/v2/teams/backend")).StatusCode);
        await (await carol.GetAsync("/v2/apps/orders")).Problem(HttpStatusCode.NotFound);
        Assert.Empty((await bob.Get<PagedList<PermissionInfo>>("/v2/apps/orders/perms")).Results);
    }

    [Fact]
    public async Task Teams_are_listed_and_shown_to_members_and_admins_only()
    {
        await using var platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?> { ["Paas:RegistrationMode"] = "enabled" });
        var (admin, _) = await platform.UserAsync("admin");
        var (bob, _) = await platform.UserAsync("bob");
        var (carol, _) = await platform.UserAsync("carol");
        await (await admin.Post("/v2/teams", new TeamCreateRequest("ops"))).Read<TeamInfo>(HttpStatusCode.Created);
        await (await admin.Post("/v2/teams", new TeamCreateRequest("data"))).Read<TeamInfo>(HttpStatusCode.Created);
        await (await admin.Post("/v2/teams/ops/members", new TeamMemberRequest("bob"))).Read<TeamMemberRequest>(HttpStatusCode.Created);
        await (await bob.Post("/v2/apps", new AppCreateRequest("ledger"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await bob.Post("/v2/apps/ledger/perms", new PermissionCreateRequest(null, "view", "ops"))).Read<PermissionInfo>(HttpStatusCode.Created);

        Assert.Equal(["data", "ops"], (await admin.Get<PagedList<TeamInfo>>("/v2/teams")).Results.Select(t => t.Name));
        var mine = Assert.Single((await bob.Get<PagedList<TeamInfo>>("/v2/teams")).Results);
        Assert.Equal(("ops", "platform", 1), (mine.Name, mine.Source, mine.Members));
        Assert.Empty((await carol.Get<PagedList<TeamInfo>>("/v2/teams")).Results);

        var ops = await bob.Get<TeamDetail>("/v2/teams/ops");
        Assert.Equal(["bob"], ops.Members);
        Assert.Equal(new TeamAppAccess("ledger", "view"), Assert.Single(ops.Apps));
        await (await carol.GetAsync("/v2/teams/ops")).Problem(HttpStatusCode.Forbidden, "not a member of the team ops");
        await (await bob.GetAsync("/v2/teams/nope")).Problem(HttpStatusCode.NotFound, "no team named 'nope'");

        var users = await admin.Get<PagedList<UserInfo>>("/v2/users");
        Assert.Equal(["admin", "bob", "carol"], users.Results.Select(u => u.Username));
        Assert.Equal(["ops"], users.Results.Single(u => u.Username == "bob").Teams);
        Assert.All(users.Results, u => Assert.Equal("local", u.Source));
        await (await bob.GetAsync("/v2/users")).Problem(HttpStatusCode.Forbidden, "only platform admins");
    }

    [Fact]
    public async Task Bad_team_requests_are_refused_with_a_reason()
    {
        await using var platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?> { ["Paas:RegistrationMode"] = "enabled" });
        var (admin, _) = await platform.UserAsync("admin");
        var (bob, _) = await platform.UserAsync("bob");
        await (await bob.Post("/v2/teams", new TeamCreateRequest("mine"))).Problem(HttpStatusCode.Forbidden, "only platform admins");
        await (await admin.Post("/v2/teams", new TeamCreateRequest("*)(cn=*"))).Problem(HttpStatusCode.BadRequest, "not a valid team name");
        await (await admin.Post("/v2/teams", new TeamCreateRequest(""))).Problem(HttpStatusCode.BadRequest, "not a valid team name");
        await (await admin.Post("/v2/teams", new TeamCreateRequest("qa"))).Read<TeamInfo>(HttpStatusCode.Created);
        await (await admin.Post("/v2/teams", new TeamCreateRequest("QA"))).Problem(HttpStatusCode.Conflict, "already a team named 'qa'");
        await (await admin.Post("/v2/teams/qa/members", new TeamMemberRequest("nobody"))).Problem(HttpStatusCode.BadRequest, "no user named 'nobody'");
        await (await admin.DeleteAsync("/v2/teams/qa/members/bob")).Problem(HttpStatusCode.NotFound, "not a member");
        await (await admin.Post("/v2/users", new UserCreateRequest("erin"))).Problem(HttpStatusCode.BadRequest, "no directory");

        await (await bob.Post("/v2/apps", new AppCreateRequest("site"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await bob.Post("/v2/apps/site/perms", new PermissionCreateRequest("admin", "view", "qa"))).Problem(HttpStatusCode.BadRequest, "either a user or a team");
        await (await bob.Post("/v2/apps/site/perms", new PermissionCreateRequest(null, "view", null))).Problem(HttpStatusCode.BadRequest, "either a user or a team");
        await (await bob.Post("/v2/apps/site/perms", new PermissionCreateRequest(null, "view", "ghosts"))).Problem(HttpStatusCode.BadRequest, "no team named 'ghosts'");
        await (await bob.Post("/v2/apps/site/perms", new PermissionCreateRequest(null, "owner", "qa"))).Problem(HttpStatusCode.BadRequest, "not a role");
        await (await bob.DeleteAsync("/v2/apps/site/perms/teams/qa")).Problem(HttpStatusCode.NotFound, "not shared with the team 'qa'");
    }
}

using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Paas.Client;
using Paas.Testing;
using Xunit;

namespace Paas.Controller.Tests;

/// <summary>
/// What one user may do to another's property sideways (issue "Tenant isolation"): each test tries to cross a boundary
/// with an ordinary account.
/// </summary>
public sealed class TenantIsolationTests
{
    [Fact]
    public async Task Nobody_deploys_an_image_of_another_apps_repository_under_any_alias_of_the_platforms_registry()
    {
        await using var platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?> { ["Paas:RegistrationMode"] = "enabled" });
        await platform.UserAsync("admin");
        var (alice, _) = await platform.UserAsync("alice");
        var (mallory, _) = await platform.UserAsync("mallory");
        await (await alice.Post("/v2/apps", new AppCreateRequest("victim"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await alice.Post("/v2/apps", new AppCreateRequest("staging"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await mallory.Post("/v2/apps", new AppCreateRequest("thief"))).Read<AppInfo>(HttpStatusCode.Created);

        var port = new Uri(platform.RegistryUrl).Port;
        var digest = "sha256:" + new string('a', 64);
        string[] aliases =
        [
            $"127.0.0.1:{port}/victim:git-1234567",
            $"localhost:{port}/victim@{digest}",
            $"LOCALHOST:{port}/victim/web:latest",
            $"0.0.0.0:{port}/victim:1",
            $"127.1.2.3:{port}/victim:1",
            $"{Environment.MachineName.ToLowerInvariant()}:{port}/victim:1",
            $"{System.Net.Dns.GetHostName().ToLowerInvariant()}:{port}/victim:1",
            $"127.0.0.1:{port}/nosuchapp:1",
        ];
        foreach (var image in aliases)
        {
            var refused = await mallory.Post("/v2/apps/thief/builds", new BuildCreateRequest(image));
            var problem = await refused.Problem(HttpStatusCode.NotFound, "that you may pull");
            Assert.DoesNotContain("alice", problem.Detail ?? "", StringComparison.Ordinal); // names no one
        }

        Assert.Null(platform.Scheduler.Running("thief"));

        // Someone who may pull both repositories promotes an image from one app to another, recorded under the registry's own address.
        var promoted = await (await alice.Post("/v2/apps/staging/builds", new BuildCreateRequest($"localhost:{port}/victim@{digest}"))).Read<BuildInfo>(HttpStatusCode.Created);
        Assert.Equal($"{new Uri(platform.RegistryUrl).Authority}/victim@{digest}", promoted.Image);
    }

    [Fact]
    public async Task Nobody_claims_a_domain_that_overlaps_another_apps_and_no_domain_takes_a_whole_tld_or_an_address()
    {
        await using var platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?> { ["Paas:RegistrationMode"] = "enabled" });
        var (admin, _) = await platform.UserAsync("admin");
        var (bob, _) = await platform.UserAsync("bob");
        var (mallory, _) = await platform.UserAsync("mallory");
        await (await bob.Post("/v2/apps", new AppCreateRequest("shop"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await bob.Post("/v2/apps", new AppCreateRequest("blog"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await mallory.Post("/v2/apps", new AppCreateRequest("trap"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await bob.Post("/v2/apps/shop/domains", new DomainCreateRequest("www.example.com"))).Read<DomainInfo>(HttpStatusCode.Created);
        await (await bob.Post("/v2/apps/blog/domains", new DomainCreateRequest("*.blog.example.com"))).Read<DomainInfo>(HttpStatusCode.Created);

        foreach (var claim in new[] { "*.example.com", "www.example.com", "mine.blog.example.com", "*.blog.example.com" })
        {
            var refused = await mallory.Post("/v2/apps/trap/domains", new DomainCreateRequest(claim));
            var problem = await refused.Problem(HttpStatusCode.Conflict);
            Assert.DoesNotContain("shop", problem.Detail ?? "", StringComparison.Ordinal); // names no app
            Assert.DoesNotContain("blog", (problem.Detail ?? "").Replace("blog.example.com", "", StringComparison.Ordinal), StringComparison.Ordinal);
        }

        foreach (var (claim, why) in new[] { ("*.test", "at least two labels"), ("*.com", "at least two labels"), ("10.0.0.1", "IP address"), ("trap.localhost", "platform domain"), ("*.localhost", "platform domain") })
        {
            await (await mallory.Post("/v2/apps/trap/domains", new DomainCreateRequest(claim))).Problem(HttpStatusCode.BadRequest, why);
        }

        // What does not overlap stays free, and someone who administers both apps may overlap their own domains.
        await (await mallory.Post("/v2/apps/trap/domains", new DomainCreateRequest("*.example.net"))).Read<DomainInfo>(HttpStatusCode.Created);
        await (await mallory.Post("/v2/apps/trap/domains", new DomainCreateRequest("example.com"))).Read<DomainInfo>(HttpStatusCode.Created);
        await (await bob.Post("/v2/apps/blog/domains", new DomainCreateRequest("*.example.com"))).Read<DomainInfo>(HttpStatusCode.Created);
        await (await admin.Post("/v2/apps/shop/domains", new DomainCreateRequest("news.blog.example.com"))).Read<DomainInfo>(HttpStatusCode.Created);
    }

    [Fact]
    public async Task An_apps_registry_logins_are_its_own_secret_never_shown_back_and_never_for_the_platforms_registry()
    {
        await using var platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?> { ["Paas:RegistrationMode"] = "enabled" });
        await platform.UserAsync("admin");
        var (alice, _) = await platform.UserAsync("alice");
        var (mallory, _) = await platform.UserAsync("mallory");
        await (await alice.Post("/v2/apps", new AppCreateRequest("shop"))).Read<AppInfo>(HttpStatusCode.Created);

        var stored = await (await alice.PutAsJsonAsync("/v2/apps/shop/registry-logins/Registry.Example.com:5000", new RegistryLoginRequest("robot", "pa55word"), PaasJson.Options)).Read<RegistryLoginInfo>();
        Assert.Equal(("registry.example.com:5000", "robot", "alice"), (stored.Registry, stored.Username, stored.UpdatedBy));
        var listed = await (await alice.GetAsync("/v2/apps/shop/registry-logins")).Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Contains("robot", listed, StringComparison.Ordinal);
        Assert.DoesNotContain("pa55word", listed, StringComparison.Ordinal);

        // Someone else gets the answer of an app that does not exist, on every route.
        foreach (var app in new[] { "shop", "nosuchapp" })
        {
            await (await mallory.GetAsync($"/v2/apps/{app}/registry-logins")).Problem(HttpStatusCode.NotFound);
            await (await mallory.PutAsJsonAsync($"/v2/apps/{app}/registry-logins/registry.example.com:5000", new RegistryLoginRequest("mallory", "x"), PaasJson.Options)).Problem(HttpStatusCode.NotFound);
            await (await mallory.DeleteAsync($"/v2/apps/{app}/registry-logins/registry.example.com:5000")).Problem(HttpStatusCode.NotFound);
        }

        var port = new Uri(platform.RegistryUrl).Port;
        await (await alice.PutAsJsonAsync($"/v2/apps/shop/registry-logins/localhost:{port}", new RegistryLoginRequest("a", "b"), PaasJson.Options)).Problem(HttpStatusCode.BadRequest, "the platform's own registry");
        await (await alice.PutAsJsonAsync("/v2/apps/shop/registry-logins/https:%2F%2Fregistry.example.com", new RegistryLoginRequest("a", "b"), PaasJson.Options)).Problem(HttpStatusCode.BadRequest, "is not a registry host");
        await (await alice.PutAsJsonAsync("/v2/apps/shop/registry-logins/registry.example.com", new RegistryLoginRequest("a\n", ""), PaasJson.Options)).Problem(HttpStatusCode.BadRequest, "password: 1 to 4096");

        // At rest the password is encrypted; the schedulers' view decrypts it for the pull alone.
        var logins = platform.Services.GetRequiredService<Paas.Scheduling.IAppRegistryLogins>();
        Assert.Equal(new Paas.Scheduling.RegistryLogin("robot", "pa55word"), await logins.FindAsync("shop", "REGISTRY.example.com:5000", TestContext.Current.CancellationToken));
        Assert.Null(await logins.FindAsync("shop", "registry.example.com", TestContext.Current.CancellationToken));
        var database = platform.Services.GetRequiredService<Paas.Data.PaasDatabase>();
        await using (var connection = await database.OpenAsync(TestContext.Current.CancellationToken))
        {
            var raw = await Dapper.SqlMapper.ExecuteScalarAsync<string>(connection, "SELECT password FROM app_registry_credentials");
            Assert.StartsWith(Paas.Data.SecretKeyRing.Prefix, raw, StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync("/v2/apps/shop/registry-logins/registry.example.com:5000")).StatusCode);
        await (await alice.DeleteAsync("/v2/apps/shop/registry-logins/registry.example.com:5000")).Problem(HttpStatusCode.NotFound, "no login for registry.example.com:5000");
    }

    [Fact]
    public async Task A_zone_reserved_for_a_team_is_routed_by_its_apps_alone_and_old_rule_breaking_domains_are_reported()
    {
        await using var platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?> { ["Paas:RegistrationMode"] = "enabled" });
        var (admin, _) = await platform.UserAsync("admin");
        var (bob, _) = await platform.UserAsync("bob");
        var (mallory, _) = await platform.UserAsync("mallory");
        await (await bob.Post("/v2/apps", new AppCreateRequest("shop"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await mallory.Post("/v2/apps", new AppCreateRequest("thief"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await admin.Post("/v2/teams", new TeamCreateRequest("shopteam"))).Read<TeamInfo>(HttpStatusCode.Created);
        await (await bob.Post("/v2/apps/shop/perms", new PermissionCreateRequest(null, "view", "shopteam"))).Read<PermissionInfo>(HttpStatusCode.Created);

        await (await mallory.Post("/v2/domain-reservations", new DomainReservationRequest("example.com", "shopteam"))).Problem(HttpStatusCode.Forbidden, "only platform admins");
        await (await admin.Post("/v2/domain-reservations", new DomainReservationRequest("*.example.com", "shopteam"))).Problem(HttpStatusCode.BadRequest, "reserve the zone itself (example.com)");
        await (await admin.Post("/v2/domain-reservations", new DomainReservationRequest("com", "shopteam"))).Problem(HttpStatusCode.BadRequest, "top-level domain");
        await (await admin.Post("/v2/domain-reservations", new DomainReservationRequest("example.com", "nosuchteam"))).Problem(HttpStatusCode.NotFound, "no team 'nosuchteam'");
        var reserved = await (await admin.Post("/v2/domain-reservations", new DomainReservationRequest("Example.COM", "shopteam"))).Read<DomainReservationInfo>(HttpStatusCode.Created);
        Assert.Equal(("example.com", "shopteam", "admin"), (reserved.Zone, reserved.Team, reserved.ReservedBy));
        await (await admin.Post("/v2/domain-reservations", new DomainReservationRequest("example.com", "shopteam"))).Problem(HttpStatusCode.Conflict, "reserved already");

        foreach (var domain in new[] { "example.com", "www.example.com", "*.example.com", "a.b.example.com", "*.b.example.com" })
        {
            var problem = await (await mallory.Post("/v2/apps/thief/domains", new DomainCreateRequest(domain))).Problem(HttpStatusCode.Conflict, "reserved for a team thief is not shared with");
            Assert.DoesNotContain("shopteam", problem.Detail ?? "", StringComparison.Ordinal);
        }

        await (await mallory.Post("/v2/apps/thief/domains", new DomainCreateRequest("example.org"))).Read<DomainInfo>(HttpStatusCode.Created);
        await (await bob.Post("/v2/apps/shop/domains", new DomainCreateRequest("www.example.com"))).Read<DomainInfo>(HttpStatusCode.Created);

        // Rows stored before the rules (written straight to the store, as an older version did) are reported, not dropped.
        var routing = platform.Services.GetRequiredService<Paas.Data.RoutingStore>();
        var apps = platform.Services.GetRequiredService<Paas.Data.AppStore>();
        var thief = (await apps.FindAsync("thief", TestContext.Current.CancellationToken))!;
        var shop = (await apps.FindAsync("shop", TestContext.Current.CancellationToken))!;
        Assert.True(await routing.AddDomainAsync(thief.Id, "legacy.example.com", TestContext.Current.CancellationToken));
        Assert.True(await routing.AddDomainAsync(shop.Id, "*.old.test", TestContext.Current.CancellationToken));
        Assert.True(await routing.AddDomainAsync(thief.Id, "www.old.test", TestContext.Current.CancellationToken));
        await (await mallory.GetAsync("/v2/domain-conflicts")).Problem(HttpStatusCode.Forbidden);
        var conflicts = await (await admin.GetAsync("/v2/domain-conflicts")).Read<List<DomainConflictInfo>>();
        Assert.Equal(
            [
                new DomainConflictInfo("*.old.test", "shop", "overlaps www.old.test of thief", null),
                new DomainConflictInfo("legacy.example.com", "thief", "in zone example.com, reserved for team shopteam, which thief is not shared with", "example.com"),
            ],
            conflicts);

        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync("/v2/domain-reservations/example.com")).StatusCode);
        await (await mallory.Post("/v2/apps/thief/domains", new DomainCreateRequest("shop2.example.com"))).Read<DomainInfo>(HttpStatusCode.Created);
    }
}

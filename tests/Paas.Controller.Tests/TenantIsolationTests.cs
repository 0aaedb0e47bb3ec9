using System.Net;
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
}

using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Paas.Client;
using Paas.Server;
using Paas.Testing;
using Xunit;

namespace Paas.Controller.Tests;

/// <summary>The integrated registry as paasd hosts it: platform users sign in with their API token; app roles decide access.</summary>
public sealed class RegistryAuthTests
{
    private static HttpClient Registry(TestPlatform platform, string? user = null, string? secret = null)
    {
        var client = new HttpClient { BaseAddress = new Uri(platform.RegistryUrl) };
        if (user is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));
        }

        return client;
    }

    [Fact]
    public async Task Users_reach_their_apps_repositories_and_not_others()
    {
        await using var platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?> { ["Paas:RegistrationMode"] = "enabled" });
        await platform.UserAsync("admin");
        var (alice, aliceToken) = await platform.UserAsync("alice");
        var (_, bobToken) = await platform.UserAsync("bob");
        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);

        using var anonymous = Registry(platform);
        var challenge = await anonymous.GetAsync("/v2/");
        Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
        Assert.NotEmpty(challenge.Headers.WwwAuthenticate);

        using var wrong = Registry(platform, "alice", "paas_not-a-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/v2/")).StatusCode);
        using var stolen = Registry(platform, "alice", bobToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stolen.GetAsync("/v2/")).StatusCode);

        using var asAlice = Registry(platform, "alice", aliceToken);
        Assert.Equal(HttpStatusCode.OK, (await asAlice.GetAsync("/v2/")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await asAlice.GetAsync("/v2/hello/manifests/latest")).StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, (await asAlice.PostAsync("/v2/hello/blobs/uploads/", null)).StatusCode);

        using var asBob = Registry(platform, "bob", bobToken);
        var denied = await asBob.GetAsync("/v2/hello/manifests/latest");
        Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        Assert.Contains("DENIED", await denied.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await asBob.PostAsync("/v2/nosuchapp/blobs/uploads/", null)).StatusCode);

        await (await alice.Post("/v2/apps/hello/perms", new PermissionCreateRequest("bob", "view"))).Read<PermissionInfo>(HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.NotFound, (await asBob.GetAsync("/v2/hello/manifests/latest")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await asBob.PostAsync("/v2/hello/blobs/uploads/", null)).StatusCode);

        var service = new ServiceCredential(platform.DataDir);
        using var asService = Registry(platform, ServiceCredential.Username, service.Secret);
        Assert.Equal(HttpStatusCode.Accepted, (await asService.PostAsync("/v2/hello/blobs/uploads/", null)).StatusCode);
    }

    [Fact]
    public async Task An_apps_pull_credential_pulls_that_app_only_and_pushes_nothing()
    {
        await using var platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?> { ["Paas:RegistrationMode"] = "enabled" });
        var (admin, _) = await platform.UserAsync("admin");
        await (await admin.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await admin.Post("/v2/apps", new AppCreateRequest("other"))).Read<AppInfo>(HttpStatusCode.Created);
        var pulls = new AppPullCredentials(new ServiceCredential(platform.DataDir));
        var hello = pulls.For("hello", "registry");

        using var asHello = Registry(platform, hello.Username, hello.Password);
        Assert.Equal(HttpStatusCode.NotFound, (await asHello.GetAsync("/v2/hello/manifests/latest")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await asHello.GetAsync("/v2/other/manifests/latest")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await asHello.PostAsync("/v2/hello/blobs/uploads/", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await asHello.GetAsync("/v2/paas/stack/manifests/paas-22")).StatusCode);

        using var forged = Registry(platform, "paas-pull+other", hello.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, (await forged.GetAsync("/v2/other/manifests/latest")).StatusCode);
    }
}

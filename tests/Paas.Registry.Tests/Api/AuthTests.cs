using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Paas.Registry.Tests.Infrastructure;

namespace Paas.Registry.Tests.Api;

/// <summary>Basic auth, the Docker token flow and per-app permissions.</summary>
public sealed class AuthTests(RegistryFixture registry) : IClassFixture<RegistryFixture>
{
    [Fact]
    public async Task Version_check_challenges_anonymous_clients()
    {
        using var anonymous = registry.Client(user: null);
        using var response = await anonymous.GetAsync("/v2/");
        await response.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        var challenge = response.Headers.WwwAuthenticate.Single();
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains($"realm=\"{registry.BaseAddress}v2/token\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Contains("service=\"paas-registry\"", challenge.Parameter, StringComparison.Ordinal);
        Assert.Equal("registry/2.0", response.Headers.GetValues("Docker-Distribution-API-Version").Single());

        using var alice = registry.Client();
        using var ok = await alice.GetAsync("/v2/");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        using var wrong = registry.Client("alice", "not-the-token");
        using var refused = await wrong.GetAsync("/v2/");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Repository_challenge_names_the_scope()
    {
        using var anonymous = registry.Client(user: null);
        using var response = await anonymous.PostAsync("/v2/alice-app/blobs/uploads/", null);
        Assert.Contains("scope=\"repository:alice-app:pull,push\"", response.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_users_app_is_denied_with_403()
    {
        using var alice = registry.Client();
        var digest = await alice.PushBlobAsync("alice-private", [1, 2, 3]);
        using var bob = registry.Client("bob");

        using var pull = await bob.GetAsync($"/v2/alice-private/blobs/{digest}");
        await pull.AssertErrorAsync(HttpStatusCode.Forbidden, "DENIED");
        using var push = await bob.PostAsync("/v2/alice-private/blobs/uploads/", null);
        await push.AssertErrorAsync(HttpStatusCode.Forbidden, "DENIED");
        using var tags = await bob.GetAsync("/v2/alice-private/tags/list");
        await tags.AssertErrorAsync(HttpStatusCode.Forbidden, "DENIED");

        using var service = registry.Client(FakeCredentialValidator.ServiceUser, FakeCredentialValidator.ServiceSecret);
        using var allowed = await service.GetAsync($"/v2/alice-private/blobs/{digest}");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    [Fact]
    public async Task Token_flow_grants_only_what_the_policy_allows()
    {
        using var anonymous = registry.Client(user: null);
        using (var noCredentials = await anonymous.GetAsync("/v2/token?service=paas-registry&scope=repository:alice-app:pull"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, noCredentials.StatusCode);
        }

        using var alice = registry.Client();
        using var tokenResponse = await alice.GetAsync("/v2/token?service=paas-registry&scope=repository:alice-tok:pull,push&scope=repository:bob-app:pull");
        Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
        using var doc = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync());
        var token = doc.RootElement.GetProperty("token").GetString()!;
        Assert.Equal(token, doc.RootElement.GetProperty("access_token").GetString());
        Assert.Equal(300, doc.RootElement.GetProperty("expires_in").GetInt32());

        using var bearer = registry.Client(user: null);
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var digest = await bearer.PushBlobAsync("alice-tok", [9, 9, 9]);
        using (var get = await bearer.GetAsync($"/v2/alice-tok/blobs/{digest}"))
        {
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }

        using (var denied = await bearer.GetAsync("/v2/bob-app/tags/list"))
        {
            await denied.AssertErrorAsync(HttpStatusCode.Forbidden, "DENIED");
        }

        using (var otherScope = await bearer.GetAsync("/v2/alice-elsewhere/tags/list"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, otherScope.StatusCode);
            Assert.Contains("insufficient_scope", otherScope.Headers.WwwAuthenticate.Single().Parameter, StringComparison.Ordinal);
        }

        var tampered = token[..^4] + (token[^4] == 'A' ? "BBBB" : "AAAA");
        using var forged = registry.Client(user: null);
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tampered);
        using var rejected = await forged.GetAsync($"/v2/alice-tok/blobs/{digest}");
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
    }
}

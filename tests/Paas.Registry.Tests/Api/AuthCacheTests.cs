using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Paas.Registry.Auth;
using Paas.Registry.Tests.Infrastructure;

namespace Paas.Registry.Tests.Api;

/// <summary>
/// The few-seconds memory of Basic sign-ins and allowed accesses (<c>Registry:AuthCacheLifetime</c>, default 5 s):
/// it saves the platform's lookups within one pull, and never lets a revocation last longer than its lifetime.
/// </summary>
public sealed class AuthCacheTests : IAsyncLifetime
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(5);
    private readonly RevocableAccess _access = new();
    private readonly ManualTimeProvider _clock = new();
    private readonly List<HttpClient> _clients = [];
    private RegistryFixture _registry = null!;

    public async ValueTask InitializeAsync()
    {
        _registry = Start();
        await _registry.InitializeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _clients.ForEach(c => c.Dispose());
        await _registry.DisposeAsync();
    }

    [Fact]
    public async Task Requests_within_the_lifetime_ask_the_platform_once()
    {
        var (client, digest) = await PushAsync("alice", "alice-app");
        _clock.Advance(Lifetime); // forget what the push remembered
        var (validations, decisions) = (_access.Validations, _access.Decisions);

        for (var i = 0; i < 5; i++)
        {
            using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/alice-app/blobs/{digest}"));
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            using var get = await client.GetAsync($"/v2/alice-app/blobs/{digest}");
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }

        Assert.Equal(validations + 1, _access.Validations);
        Assert.Equal(decisions + 1, _access.Decisions);
    }

    [Fact]
    public async Task A_revoked_permission_is_refused_once_the_lifetime_has_passed()
    {
        var (client, digest) = await PushAsync("alice", "alice-app");
        using (var allowed = await client.GetAsync($"/v2/alice-app/blobs/{digest}"))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        _access.Revoke("alice", "alice-app");
        _clock.Advance(Lifetime - TimeSpan.FromSeconds(1));
        using (var remembered = await client.GetAsync($"/v2/alice-app/blobs/{digest}"))
        {
            Assert.Equal(HttpStatusCode.OK, remembered.StatusCode); // the documented window
        }

        _clock.Advance(TimeSpan.FromSeconds(1));
        using var refused = await client.GetAsync($"/v2/alice-app/blobs/{digest}");
        await refused.AssertErrorAsync(HttpStatusCode.Forbidden, "DENIED");
    }

    [Fact]
    public async Task A_revoked_api_token_is_refused_once_the_lifetime_has_passed()
    {
        var (client, digest) = await PushAsync("alice", "alice-app");
        _access.RevokeToken("alice");
        _clock.Advance(Lifetime);

        using var refused = await client.GetAsync($"/v2/alice-app/blobs/{digest}");
        await refused.AssertErrorAsync(HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Refusals_are_not_remembered()
    {
        var (_, digest) = await PushAsync("alice", "alice-app");
        using var bob = _registry.Client("bob");
        using (var denied = await bob.GetAsync($"/v2/alice-app/blobs/{digest}"))
        {
            await denied.AssertErrorAsync(HttpStatusCode.Forbidden, "DENIED");
        }

        _access.Grant("bob", "alice-app");
        using var allowed = await bob.GetAsync($"/v2/alice-app/blobs/{digest}");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);

        using var wrong = _registry.Client("carol", "not-her-token");
        using (var unknown = await wrong.GetAsync("/v2/"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, unknown.StatusCode);
        }

        using var carol = _registry.Client("carol");
        using var known = await carol.GetAsync("/v2/");
        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
    }

    [Fact]
    public async Task The_token_endpoint_asks_the_platform_afresh()
    {
        var (client, digest) = await PushAsync("alice", "alice-app");
        using (var allowed = await client.GetAsync($"/v2/alice-app/blobs/{digest}"))
        {
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        _access.Revoke("alice", "alice-app");
        using var tokenResponse = await client.GetAsync("/v2/token?service=paas-registry&scope=repository:alice-app:pull");
        Assert.Equal(HttpStatusCode.OK, tokenResponse.StatusCode);
        using var doc = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync());
        var token = doc.RootElement.GetProperty("token").GetString()!;
        using var claims = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[1]));
        Assert.All(claims.RootElement.GetProperty("access").EnumerateArray(), a => Assert.Empty(a.GetProperty("actions").EnumerateArray()));

        _access.RevokeToken("alice");
        using var noToken = await client.GetAsync("/v2/token?service=paas-registry&scope=repository:alice-app:pull");
        Assert.Equal(HttpStatusCode.Unauthorized, noToken.StatusCode);
    }

    [Fact]
    public async Task A_zero_lifetime_turns_the_cache_off()
    {
        await _registry.DisposeAsync();
        _registry = Start(new Dictionary<string, string?> { ["Registry:AuthCacheLifetime"] = "00:00:00" });
        await _registry.InitializeAsync();
        var (client, digest) = await PushAsync("alice", "alice-app");
        var (validations, decisions) = (_access.Validations, _access.Decisions);

        for (var i = 0; i < 3; i++)
        {
            using var get = await client.GetAsync($"/v2/alice-app/blobs/{digest}");
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        }

        Assert.Equal(validations + 3, _access.Validations);
        Assert.Equal(decisions + 3, _access.Decisions);
        Assert.Equal(0, _registry.Services.GetRequiredService<RegistryAuthCache>().Count);
    }

    private RegistryFixture Start(IReadOnlyDictionary<string, string?>? settings = null) => new(
        services =>
        {
            services.AddSingleton<IRegistryCredentialValidator>(_access);
            services.AddSingleton<IRegistryAccessPolicy>(_access);
            services.AddSingleton<TimeProvider>(_clock);
        },
        settings);

    private async Task<(HttpClient Client, Paas.Oci.Digest Digest)> PushAsync(string user, string repository)
    {
        _access.Grant(user, repository);
        var client = _registry.Client(user);
        _clients.Add(client);
        var digest = await client.PushBlobAsync(repository, [1, 2, 3, 4]);
        return (client, digest);
    }
}

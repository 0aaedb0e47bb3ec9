using System.Net;
using System.Net.Http.Headers;
using Paas.Client;
using Paas.Testing;
using Xunit;

namespace Paas.Controller.Tests;

public sealed class AuthApiTests
{
    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task First_user_becomes_admin_and_later_ones_need_an_admin(string backend)
    {
        await using var platform = await TestPlatform.StartAsync(backend);
        using var anonymous = platform.Client();

        var alice = await (await anonymous.Post("/v2/auth/register", new RegisterRequest("Alice", "secret-pass", "a@example.test"))).Read<UserInfo>(HttpStatusCode.Created);
        Assert.Equal("alice", alice.Username);
        Assert.True(alice.IsAdmin);

        await (await anonymous.Post("/v2/auth/register", new RegisterRequest("bob", "secret-pass"))).Problem(HttpStatusCode.Forbidden, "only admins may register");

        var (admin, _) = await platform.LoginAsync("alice", "secret-pass");
        var bob = await (await admin.Post("/v2/auth/register", new RegisterRequest("bob", "secret-pass"))).Read<UserInfo>(HttpStatusCode.Created);
        Assert.False(bob.IsAdmin);
        await (await admin.Post("/v2/auth/register", new RegisterRequest("bob", "secret-pass"))).Problem(HttpStatusCode.Conflict, "taken");
    }

    [Theory]
    [InlineData("enabled", HttpStatusCode.Created)]
    [InlineData("disabled", HttpStatusCode.Forbidden)]
    public async Task Registration_mode_decides_who_may_register(string mode, HttpStatusCode expected)
    {
        await using var platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?> { ["Paas:RegistrationMode"] = mode });
        await platform.UserAsync("first");
        using var anonymous = platform.Client();
        var response = await anonymous.Post("/v2/auth/register", new RegisterRequest("second", "secret-pass"));
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Bad_usernames_and_short_passwords_are_refused_with_every_reason()
    {
        await using var platform = await TestPlatform.StartAsync();
        using var anonymous = platform.Client();
        var problem = await (await anonymous.Post("/v2/auth/register", new RegisterRequest("-bad name", "short"))).Problem(HttpStatusCode.BadRequest, "not a valid username");
        Assert.Contains("at least 8 characters", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task Wrong_password_and_unknown_user_answer_the_same_401(string backend)
    {
        await using var platform = await TestPlatform.StartAsync(backend);
        await platform.UserAsync("alice");
        using var anonymous = platform.Client();
        await (await anonymous.Post("/v2/auth/login", new LoginRequest("alice", "wrong-password"))).Problem(HttpStatusCode.Unauthorized, "invalid username or password");
        await (await anonymous.Post("/v2/auth/login", new LoginRequest("nobody", "wrong-password"))).Problem(HttpStatusCode.Unauthorized, "invalid username or password");
    }

    [Theory]
    [InlineData(Backend.Sqlite)]
    [InlineData(Backend.Postgres)]
    public async Task A_regenerated_token_replaces_every_older_one(string backend)
    {
        await using var platform = await TestPlatform.StartAsync(backend);
        var (client, oldToken) = await platform.UserAsync("alice");
        var fresh = await (await client.PostAsync("/v2/auth/tokens", null)).Read<TokenResponse>();
        Assert.NotEqual(oldToken, fresh.Token);
        Assert.StartsWith("paas_", fresh.Token, StringComparison.Ordinal);
        Assert.True(fresh.Token.Length >= 48, "a token carries at least 256 random bits");

        var response = await client.GetAsync("/v2/auth/whoami");
        await response.Problem(HttpStatusCode.Unauthorized, "run 'paas login' again");
        Assert.Contains("Token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", fresh.Token);
        Assert.Equal("alice", (await client.Get<UserInfo>("/v2/auth/whoami")).Username);
    }

    [Fact]
    public async Task Requests_without_a_token_get_401_with_a_challenge()
    {
        await using var platform = await TestPlatform.StartAsync();
        using var anonymous = platform.Client();
        var response = await anonymous.GetAsync("/v2/apps");
        await response.Problem(HttpStatusCode.Unauthorized, "paas login");
        Assert.NotEmpty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task Password_change_needs_the_current_password_and_takes_effect()
    {
        await using var platform = await TestPlatform.StartAsync();
        var (client, _) = await platform.UserAsync("alice", "first-password");
        await (await client.Post("/v2/auth/passwd", new PasswordChangeRequest("not-it", "second-password"))).Problem(HttpStatusCode.Forbidden, "current password is wrong");
        Assert.Equal(HttpStatusCode.NoContent, (await client.Post("/v2/auth/passwd", new PasswordChangeRequest("first-password", "second-password"))).StatusCode);
        await platform.LoginAsync("alice", "second-password");
        using var anonymous = platform.Client();
        await (await anonymous.Post("/v2/auth/login", new LoginRequest("alice", "first-password"))).Problem(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Health_and_openapi_are_served()
    {
        await using var platform = await TestPlatform.StartAsync();
        using var anonymous = platform.Client();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        var openapi = await anonymous.GetStringAsync("/openapi/v1.json");
        foreach (var route in new[] { "/v2/apps/{app}/config", "/v2/apps/{app}/releases/rollback", "/v2/apps/{app}/scale", "/v2/auth/login" })
        {
            Assert.Contains(route, openapi, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Unknown_routes_answer_problem_details()
    {
        await using var platform = await TestPlatform.StartAsync();
        using var anonymous = platform.Client();
        var response = await anonymous.GetAsync("/v2/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}

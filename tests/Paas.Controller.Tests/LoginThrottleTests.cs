using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Paas.Client;
using Paas.Testing;
using Xunit;

namespace Paas.Controller.Tests;

/// <summary>Password guessing on <c>POST /v2/auth/login</c> is throttled per account and per client address, with counts every controller replica shares.</summary>
public sealed class LoginThrottleTests
{
    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_account_with_429_and_Retry_After_even_for_the_right_password_until_the_lockout_ends()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-12-06T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var platform = await TestPlatform.StartAsync(
            settings: new Dictionary<string, string?> { ["Paas:RegistrationMode"] = "enabled" },
            configureServices: services => services.AddSingleton<TimeProvider>(clock));
        await platform.UserAsync("alice");
        using var http = platform.Client();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
        {
            using var wrong = await http.Post("/v2/auth/login", new LoginRequest("alice", "guess-" + i));
            statuses.Add(wrong.StatusCode);
        }

        Assert.All(statuses.Take(5 + 1 /* LoginThrottle.FreeAccountFailures */), s => Assert.Equal(HttpStatusCode.Unauthorized, s));
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);

        using var locked = await http.Post("/v2/auth/login", new LoginRequest("alice", "correct-horse"));
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.True(locked.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "429 carries Retry-After in seconds");
        await locked.Problem(HttpStatusCode.TooManyRequests, "too many failed sign-ins");

        // Another account is not locked by alice's failures (the address allows more failures than one account).
        await platform.UserAsync("bob");
        using var bob = await http.Post("/v2/auth/login", new LoginRequest("bob", "correct-horse"));
        Assert.Equal(HttpStatusCode.OK, bob.StatusCode);

        clock.Advance(TimeSpan.FromMinutes(15) /* LoginThrottle.MaxLockout */ + TimeSpan.FromSeconds(1));
        using var after = await http.Post("/v2/auth/login", new LoginRequest("alice", "correct-horse"));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task One_address_guessing_many_accounts_is_locked_too()
    {
        await using var platform = await TestPlatform.StartAsync();
        await platform.UserAsync("alice");
        using var http = platform.Client();
        for (var i = 0; i <= 20; i++) // LoginThrottle.FreeAddressFailures
        {
            using var wrong = await http.Post("/v2/auth/login", new LoginRequest("user" + i, "guess"));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var next = await http.Post("/v2/auth/login", new LoginRequest("someone-else", "guess"));
        Assert.Equal(HttpStatusCode.TooManyRequests, next.StatusCode);
    }

    [Fact]
    public async Task Two_controller_replicas_share_the_counts_so_failures_spread_over_both_lock_the_account_on_both()
    {
        var clock = new ManualClock(DateTimeOffset.Parse("2026-12-07T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture)); // a lockout does not run out mid-test
        await using var replicas = await PostgresReplicas.StartAsync((services, _) => services.AddSingleton<TimeProvider>(clock));
        await replicas.A.UserAsync("alice");
        using var a = replicas.A.Client();
        using var b = replicas.B.Client();
        for (var i = 0; i <= 5; i++) // LoginThrottle.FreeAccountFailures, then one more: alternately through each replica
        {
            using var wrong = await (i % 2 == 0 ? a : b).Post("/v2/auth/login", new LoginRequest("alice", "guess-" + i));
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var onA = await a.Post("/v2/auth/login", new LoginRequest("alice", "correct-horse"));
        using var onB = await b.Post("/v2/auth/login", new LoginRequest("alice", "correct-horse"));
        Assert.Equal(HttpStatusCode.TooManyRequests, onA.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, onB.StatusCode);
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_the_forwarded_client_is_throttled_and_the_other_clients_of_the_proxy_are_not()
    {
        await using var platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?> { ["Paas:TrustedProxies"] = "127.0.0.1, 10.0.0.0/8" });
        await platform.UserAsync("alice");
        using var http = platform.Client();
        for (var i = 0; i <= 20; i++) // LoginThrottle.FreeAddressFailures
        {
            using var wrong = await LoginAsync(http, "user" + i, "guess", "203.0.113.5");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        // The guesser is locked (also through a second trusted proxy in front); another client of the same proxy is not.
        using var guesser = await LoginAsync(http, "someone-else", "guess", "203.0.113.5, 10.1.2.3");
        Assert.Equal(HttpStatusCode.TooManyRequests, guesser.StatusCode);
        using var other = await LoginAsync(http, "alice", "correct-horse", "198.51.100.9");
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Without_trusted_proxies_a_forged_X_Forwarded_For_does_not_dodge_the_address_throttle()
    {
        await using var platform = await TestPlatform.StartAsync();
        using var http = platform.Client();
        for (var i = 0; i <= 20; i++)
        {
            using var wrong = await LoginAsync(http, "user" + i, "guess", $"203.0.113.{i + 1}");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var next = await LoginAsync(http, "someone-else", "guess", "198.51.100.9");
        Assert.Equal(HttpStatusCode.TooManyRequests, next.StatusCode);
    }

    private static Task<HttpResponseMessage> LoginAsync(HttpClient http, string username, string password, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v2/auth/login") { Content = System.Net.Http.Json.JsonContent.Create(new LoginRequest(username, password), options: PaasJson.Options) };
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        return http.SendAsync(request);
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}

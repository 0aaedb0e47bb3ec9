using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Paas.Router.Feed;
using Paas.Scheduling.Local;
using Paas.Scheduling.Logs;
using Paas.Server;
using Paas.Server.Internal;
using Paas.Testing;
using Xunit;

namespace Paas.Controller.Tests;

/// <summary>
/// paasd's roles: what a split platform must be told, and the controller's internal contracts as a part in another
/// process sees them (service credential required, the route stream's snapshot, deltas, resume and origin).
/// </summary>
public sealed class RolesTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_unknown_role_and_every_missing_peer_url_are_reported_before_anything_starts()
    {
        var (unknown, unknownErrors) = PaasPlatform.Create(["--role", "controller,scheduler"]);
        await unknown.DisposeAsync();
        Assert.Contains(unknownErrors, e => e.Contains("'scheduler' is not a role", StringComparison.Ordinal) && e.Contains("registry-proxy", StringComparison.Ordinal));

        var (router, routerErrors) = PaasPlatform.Create([], new Dictionary<string, string?> { ["Paas:Roles:Role"] = "router" });
        await router.DisposeAsync();
        Assert.Contains(routerErrors, e => e.Contains("PAAS_CONTROLLER_INTERNAL_URL", StringComparison.Ordinal));

        var (builder, builderErrors) = PaasPlatform.Create([], new Dictionary<string, string?> { ["Paas:Roles:Role"] = "builder", ["Paas:Roles:ControllerUrl"] = "paas-controller:7000" });
        await builder.DisposeAsync();
        Assert.Contains(builderErrors, e => e.Contains("PAAS_CONTROLLER_URL 'paas-controller:7000' is not an http:// or https:// URL", StringComparison.Ordinal));
        Assert.Contains(builderErrors, e => e.Contains("PAAS_REGISTRY_URL", StringComparison.Ordinal));

        var (controller, controllerErrors) = PaasPlatform.Create([], new Dictionary<string, string?> { ["Paas:Roles:Role"] = "controller,registry,router" });
        await controller.DisposeAsync();
        Assert.Contains(controllerErrors, e => e.Contains("PAAS_BUILDER_URL", StringComparison.Ordinal));
    }

    [Fact]
    public void Inline_socket_completions_are_warned_against_in_a_process_running_the_controller_builder_or_registry()
    {
        var warning = PaasPlatform.SocketCompletionsWarning(PlatformRoles.All, inline: true);
        Assert.NotNull(warning);
        Assert.Contains("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1", warning, StringComparison.Ordinal);
        Assert.Contains("the controller, builder, registry block", warning, StringComparison.Ordinal);
        Assert.Contains("the builder block", PaasPlatform.SocketCompletionsWarning(PlatformRoles.Builder, inline: true), StringComparison.Ordinal);
        Assert.Null(PaasPlatform.SocketCompletionsWarning(PlatformRoles.Router, inline: true));
        Assert.Null(PaasPlatform.SocketCompletionsWarning(PlatformRoles.Router | PlatformRoles.RegistryProxy, inline: true));
        Assert.Null(PaasPlatform.SocketCompletionsWarning(PlatformRoles.All, inline: false));
    }

    [Fact]
    public async Task A_service_token_file_that_cannot_be_read_stops_the_platform()
    {
        var dir = Directory.CreateTempSubdirectory("paas-roles-").FullName;
        var (platform, errors) = PaasPlatform.Create([], new Dictionary<string, string?>
        {
            ["Paas:DataDir"] = dir,
            ["Paas:Roles:Role"] = "registry",
            ["Paas:Roles:ControllerInternalUrl"] = "http://127.0.0.1:1",
            ["Paas:Roles:ServiceTokenFile"] = Path.Combine(dir, "missing"),
        });
        await platform.DisposeAsync();
        Assert.Contains(errors, e => e.Contains("PAAS_SERVICE_TOKEN_FILE", StringComparison.Ordinal) && e.Contains("cannot be read", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_internal_contracts_answer_only_the_service_credential_and_stream_route_changes_that_resume()
    {
        await using var fixture = await ControllerAloneAsync();
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Platform.InternalUrl) };

        // Without, or with a user's credentials: 401, for every internal route.
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/internal/v1/routes"), (HttpMethod.Post, "/internal/v1/registry/authenticate"), (HttpMethod.Post, "/internal/v1/logs"), (HttpMethod.Get, "/internal/v1/apps") })
        {
            using var anonymous = await http.SendAsync(new HttpRequestMessage(method, path), Cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            using var forged = new HttpRequestMessage(method, path);
            forged.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("paas-service:guess")));
            using var refused = await http.SendAsync(forged, Cancel);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // The public API port does not serve them at all.
        using (var api = new HttpClient { BaseAddress = new Uri(fixture.Platform.ApiUrl) })
        {
            using var onApi = await api.GetAsync("/internal/v1/routes", Cancel);
            Assert.Equal(HttpStatusCode.NotFound, onApi.StatusCode);
        }

        var source = new HttpRouteChangeSource(new HttpClient(), new Uri(fixture.Platform.InternalUrl), fixture.Authorization);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        await using var changes = source.WatchAsync("", 0, stop.Token).GetAsyncEnumerator(stop.Token);
        Assert.True(await changes.MoveNextAsync());
        var snapshot = changes.Current;
        Assert.Equal(RouteChangeType.Snapshot, snapshot.Type);
        Assert.DoesNotContain(snapshot.Apps, a => a.App == "hello");

        using var user = await fixture.UserClientAsync();
        (await user.PostAsync("/v2/apps", Json("""{"name":"hello"}"""), Cancel)).EnsureSuccessStatusCode();
        Assert.True(await changes.MoveNextAsync());
        var created = changes.Current;
        Assert.Equal(RouteChangeType.Update, created.Type);
        Assert.Equal(snapshot.Version + 1, created.Version);
        Assert.Equal(snapshot.Origin, created.Origin);
        Assert.Contains(created.Apps, a => a.App == "hello");
        await stop.CancelAsync();

        // Resuming from the snapshot's version gives the change after it, not a new snapshot.
        await using (var resumed = source.WatchAsync(snapshot.Origin, snapshot.Version, Cancel).GetAsyncEnumerator(Cancel))
        {
            Assert.True(await resumed.MoveNextAsync());
            Assert.Equal(RouteChangeType.Update, resumed.Current.Type);
            Assert.Equal(created.Version, resumed.Current.Version);
        }

        // Another origin's version (a restarted or other controller replica) means nothing here: a snapshot.
        await using (var other = source.WatchAsync("someone-else", created.Version, Cancel).GetAsyncEnumerator(Cancel))
        {
            Assert.True(await other.MoveNextAsync());
            Assert.Equal(RouteChangeType.Snapshot, other.Current.Type);
            Assert.Contains(other.Current.Apps, a => a.App == "hello");
        }

        (await user.DeleteAsync("/v2/apps/hello", Cancel)).EnsureSuccessStatusCode();
        await using (var removed = source.WatchAsync(created.Origin, created.Version, Cancel).GetAsyncEnumerator(Cancel))
        {
            Assert.True(await removed.MoveNextAsync());
            Assert.Equal(["hello"], removed.Current.Removed);
        }
    }

    [Fact]
    public async Task The_internal_app_list_names_every_app_for_a_separate_builders_sweep()
    {
        await using var fixture = await ControllerAloneAsync();
        using var user = await fixture.UserClientAsync();
        (await user.PostAsync("/v2/apps", Json("""{"name":"kept"}"""), Cancel)).EnsureSuccessStatusCode();
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Platform.InternalUrl) };
        http.DefaultRequestHeaders.Authorization = fixture.Authorization;
        Assert.Equal("""["kept"]""", await http.GetStringAsync("/internal/v1/apps", Cancel)); // what a separate builder's sweep asks (InternalExistingApps)
    }

    [Fact]
    public async Task The_internal_registry_contract_gives_the_controllers_decisions()
    {
        await using var fixture = await ControllerAloneAsync();
        using var user = await fixture.UserClientAsync();
        (await user.PostAsync("/v2/apps", Json("""{"name":"hello"}"""), Cancel)).EnsureSuccessStatusCode();
        using var http = new HttpClient { BaseAddress = new Uri(fixture.Platform.InternalUrl) };
        http.DefaultRequestHeaders.Authorization = fixture.Authorization;

        var wrong = await PostJsonAsync(http, "/internal/v1/registry/authenticate", """{"username":"alice","secret":"not-her-token"}""");
        Assert.Equal(JsonValueKind.Null, wrong.GetProperty("principal").ValueKind);
        var right = await PostJsonAsync(http, "/internal/v1/registry/authenticate", $$"""{"username":"alice","secret":"{{fixture.UserToken}}"}""");
        Assert.Equal("alice", right.GetProperty("principal").GetString());
        Assert.True((await PostJsonAsync(http, "/internal/v1/registry/authorize", """{"principal":"alice","repository":"hello","action":"push"}""")).GetProperty("allowed").GetBoolean());
        Assert.False((await PostJsonAsync(http, "/internal/v1/registry/authorize", """{"principal":"mallory","repository":"hello","action":"pull"}""")).GetProperty("allowed").GetBoolean());
        Assert.False((await PostJsonAsync(http, "/internal/v1/registry/authorize", """{"principal":"alice","repository":"nobodys-app","action":"pull"}""")).GetProperty("allowed").GetBoolean());
    }

    [Fact]
    public async Task A_busy_routers_lines_all_reach_the_controller_in_order()
    {
        // 10,000 router lines a second for 2 s: a router pod serving 10k requests/s. Sent as batches of 500 with a pause
        // after each, the sink carried 2,500 a second and dropped the rest once 10,000 waited.
        await using var fixture = await ControllerAloneAsync();
        using var user = await fixture.UserClientAsync();
        (await user.PostAsync("/v2/apps", Json("""{"name":"busy"}"""), Cancel)).EnsureSuccessStatusCode();
        using var http = new HttpClient();
        var sink = new ControllerLogSink(http, new Uri(fixture.Platform.InternalUrl), new ServiceCredential(fixture.DataDirectory), "paas[router]", NullLogger<ControllerLogSink>.Instance);
        await sink.StartAsync(Cancel);
        try
        {
            const int Lines = 20_000;
            var watch = System.Diagnostics.Stopwatch.StartNew();
            for (var i = 0; i < Lines; i++)
            {
                sink.Write("busy", $"at=info method=GET path=\"/{i}\" status=200");
                if (i % 1_000 == 999)
                {
                    var due = TimeSpan.FromMilliseconds((i + 1) / 10.0);
                    if (due > watch.Elapsed)
                    {
                        await Task.Delay(due - watch.Elapsed, Cancel);
                    }
                }
            }

            var logs = fixture.Platform.Services.GetRequiredService<IAppLogStore>();
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (logs.Tail("busy", 1).SingleOrDefault()?.Message != $"at=info method=GET path=\"/{Lines - 1}\" status=200" && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, Cancel);
            }

            // The app's log file holds every line (the in-memory tail only the last 1,500), each once, in the order written.
            var written = File.ReadLines(Path.Combine(new LocalPaths(fixture.DataDirectory).Logs, "busy.log"))
                .Where(l => l.Contains(" paas[router]: at=info", StringComparison.Ordinal))
                .Select(l => int.Parse(l[(l.IndexOf("path=\"/", StringComparison.Ordinal) + 7)..l.IndexOf("\" status", StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture))
                .ToList();
            Assert.Equal(Lines, written.Count);
            Assert.Equal(Enumerable.Range(0, Lines), written);
            Assert.Equal(0, sink.Dropped);
        }
        finally
        {
            await sink.StopAsync(CancellationToken.None);
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> PostJsonAsync(HttpClient http, string path, string json)
    {
        using var response = await http.PostAsync(path, Json(json), Cancel);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancel)).RootElement.Clone();
    }

    /// <summary>A controller alone (no builder, registry or router in its process), so it opens its internal port.</summary>
    private static async Task<ControllerAlone> ControllerAloneAsync()
    {
        var dir = Directory.CreateTempSubdirectory("paas-roles-").FullName;
        var ports = LoopbackPort.FreeDistinct(2);
        var (platform, errors) = PaasPlatform.Create([], new Dictionary<string, string?>
        {
            ["Paas:DataDir"] = dir,
            ["Paas:ApiPort"] = ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Paas:Roles:InternalPort"] = ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Paas:Roles:Role"] = "controller",
            ["Paas:Roles:BuilderUrl"] = "http://127.0.0.1:1",
            ["Paas:Roles:RegistryUrl"] = "http://127.0.0.1:1",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        Assert.Empty(errors);
        await platform.StartAsync(Cancel);
        return new ControllerAlone(platform, dir, new ServiceCredential(dir).BasicAuthorization());
    }

    private sealed class ControllerAlone(PaasPlatform platform, string dir, AuthenticationHeaderValue authorization) : IAsyncDisposable
    {
        public PaasPlatform Platform => platform;

        public string DataDirectory => dir;

        public AuthenticationHeaderValue Authorization => authorization;

        public string UserToken { get; private set; } = "";

        public async Task<HttpClient> UserClientAsync()
        {
            var client = new HttpClient { BaseAddress = new Uri(platform.ApiUrl) };
            using var registered = await client.PostAsync("/v2/auth/register", Json("""{"username":"alice","password":"correct-horse-battery"}"""), Cancel);
            using var login = await client.PostAsync("/v2/auth/login", Json("""{"username":"alice","password":"correct-horse-battery"}"""), Cancel);
            login.EnsureSuccessStatusCode();
            UserToken = JsonDocument.Parse(await login.Content.ReadAsStringAsync(Cancel)).RootElement.GetProperty("token").GetString()!;
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("token", UserToken);
            return client;
        }

        public async ValueTask DisposeAsync()
        {
            await platform.DisposeAsync();
            Directory.Delete(dir, recursive: true);
        }
    }
}

using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Paas.Client;
using Paas.Data;
using Paas.Router.Routing;
using Paas.Server;
using Paas.Testing;
using Xunit;

namespace Paas.Controller.Tests;

/// <summary>
/// Two controller replicas on one PostgreSQL database, each with its own router: a route change written through one
/// reaches the other's route feed by <c>LISTEN/NOTIFY</c>, with the feed's safety re-read set to an hour, so nothing
/// but the notification (or the re-read after a reconnection) can carry it.
/// </summary>
public sealed class RouteNotificationTests
{
    private static readonly TimeSpan Notified = TimeSpan.FromSeconds(2);

    private sealed class StaticEndpoints(string app, string address) : IRouteEndpointSource
    {
        public IReadOnlyList<RouteEndpoint> EndpointsOf(string name) => name == app ? [new RouteEndpoint(address, "web.1")] : [];
    }

    [Fact]
    public async Task A_change_written_through_one_replica_reaches_the_others_router_without_polling()
    {
        await using var fixture = await Replicas.StartAsync();
        var (alice, _) = await fixture.A.UserAsync("alice");

        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);
        await fixture.ExpectOnBAsync("hello.localhost", HttpStatusCode.OK, Notified);

        await (await alice.Post("/v2/apps/hello/settings", new AppSettingsInfo(Maintenance: true))).Read<AppSettingsInfo>();
        await fixture.ExpectOnBAsync("hello.localhost", HttpStatusCode.ServiceUnavailable, Notified);

        await (await alice.Post("/v2/apps/hello/domains", new DomainCreateRequest("www.example.com"))).Read<DomainInfo>(HttpStatusCode.Created);
        await (await alice.Post("/v2/apps/hello/settings", new AppSettingsInfo(Maintenance: false))).Read<AppSettingsInfo>();
        await fixture.ExpectOnBAsync("www.example.com", HttpStatusCode.OK, Notified);
    }

    [Fact]
    public async Task A_change_made_while_the_listening_connections_are_down_arrives_after_they_reconnect()
    {
        await using var fixture = await Replicas.StartAsync();
        var (alice, _) = await fixture.A.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);
        await fixture.ExpectOnBAsync("hello.localhost", HttpStatusCode.OK, Notified);

        Assert.Equal(2, await fixture.KillListenersAsync()); // A's and B's: the NOTIFY of the next write reaches no one
        await (await alice.Post("/v2/apps/hello/settings", new AppSettingsInfo(Maintenance: true))).Read<AppSettingsInfo>();

        // B reconnects after 500 ms and reads every route again.
        await fixture.ExpectOnBAsync("hello.localhost", HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(5));
        Assert.Equal(2, await fixture.ListenersAsync());
    }

    private sealed class Replicas : IAsyncDisposable
    {
        private readonly WebApplication _backend;
        private readonly string _database;
        private readonly string _keys;
        private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false });

        private Replicas(WebApplication backend, string database, string keys, TestPlatform a, TestPlatform b)
        {
            _backend = backend;
            _database = database;
            _keys = keys;
            A = a;
            B = b;
        }

        public TestPlatform A { get; }

        public TestPlatform B { get; }

        public static async Task<Replicas> StartAsync()
        {
            var database = await Backend.DatabaseSettingAsync(Backend.Postgres);
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            var backend = builder.Build();
            backend.MapGet("/", () => "hello from the app");
            await backend.StartAsync();
            var address = new Uri(backend.Urls.First()).Authority;
            var keys = Path.Combine(Path.GetTempPath(), "paas-test-keys-" + Guid.NewGuid().ToString("N")[..12]);
            var settings = new Dictionary<string, string?>
            {
                ["Paas:Database"] = database,
                ["Paas:SecretKeysFile"] = keys, // one key ring, as the chart's replicas share one Secret
                ["Paas:Routing:RereadInterval"] = "01:00:00",
            };
            var a = await TestPlatform.StartAsync(Backend.Postgres, settings, s => s.AddSingleton<IRouteEndpointSource>(new StaticEndpoints("hello", address)));
            var b = await TestPlatform.StartAsync(Backend.Postgres, settings, s => s.AddSingleton<IRouteEndpointSource>(new StaticEndpoints("hello", address)));
            var replicas = new Replicas(backend, database, keys, a, b);
            await replicas.WaitForListenersAsync(2);
            return replicas;
        }

        /// <summary>Asks B's router for <paramref name="host"/> until it answers <paramref name="expected"/>, within <paramref name="within"/>.</summary>
        public async Task ExpectOnBAsync(string host, HttpStatusCode expected, TimeSpan within)
        {
            var watch = Stopwatch.StartNew();
            HttpStatusCode status;
            do
            {
                using var response = await _http.SendAsync(new HttpRequestMessage(HttpMethod.Get, B.RouterHttpUrl + "/") { Headers = { Host = host } });
                status = response.StatusCode;
                if (status == expected)
                {
                    return;
                }

                await Task.Delay(25);
            }
            while (watch.Elapsed < within);
            Assert.Fail($"B's router answered {(int)status} for {host} after {watch.Elapsed.TotalSeconds:0.0} s; expected {(int)expected} within {within.TotalSeconds} s");
        }

        /// <summary>Ends the sessions that LISTEN for route changes (PostgreSQL's pg_terminate_backend) and returns how many.</summary>
        public async Task<int> KillListenersAsync()
        {
            await using var connection = new NpgsqlConnection(_database);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND application_name = '" + RouteChangeSignal.ApplicationName + "'", connection);
            return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        /// <summary>How many sessions LISTEN for route changes.</summary>
        public async Task<int> ListenersAsync()
        {
            await using var connection = new NpgsqlConnection(_database);
            await connection.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND application_name = '" + RouteChangeSignal.ApplicationName + "'", connection);
            return Convert.ToInt32(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            await B.DisposeAsync();
            await A.DisposeAsync();
            await _backend.DisposeAsync();
            File.Delete(_keys);
        }

        private async Task WaitForListenersAsync(int count)
        {
            var watch = Stopwatch.StartNew();
            while (await ListenersAsync() < count)
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "the replicas did not start listening for route changes");
                await Task.Delay(50);
            }
        }
    }
}

using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Paas.Client;
using Paas.Data;
using Paas.Router.Routing;
using Paas.Server;
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
        await using var fixture = await PostgresReplicas.StartAsync((s, backend) => s.AddSingleton<IRouteEndpointSource>(new StaticEndpoints("hello", backend)));
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
        await using var fixture = await PostgresReplicas.StartAsync((s, backend) => s.AddSingleton<IRouteEndpointSource>(new StaticEndpoints("hello", backend)));
        var (alice, _) = await fixture.A.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);
        await fixture.ExpectOnBAsync("hello.localhost", HttpStatusCode.OK, Notified);

        Assert.Equal(2, await fixture.KillSessionsAsync(RouteChangeSignal.ApplicationName)); // A's and B's: the NOTIFY of the next write reaches no one
        await (await alice.Post("/v2/apps/hello/settings", new AppSettingsInfo(Maintenance: true))).Read<AppSettingsInfo>();

        // B reconnects after 500 ms and reads every route again.
        await fixture.ExpectOnBAsync("hello.localhost", HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(5));
        Assert.Equal(2, await fixture.SessionsAsync(RouteChangeSignal.ApplicationName));
    }
}

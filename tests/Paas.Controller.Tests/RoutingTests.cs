using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Paas.Client;
using Paas.Router.Routing;
using Paas.Server;
using Paas.Testing;
using Xunit;

namespace Paas.Controller.Tests;

/// <summary>Domains, certificates and router settings through the API, and requests through paasd's router to a real backend.</summary>
public sealed class RoutingTests
{
    private sealed class StaticEndpoints(string app, string address) : IRouteEndpointSource
    {
        public IReadOnlyList<RouteEndpoint> EndpointsOf(string name) => name == app ? [new RouteEndpoint(address, "web.1")] : [];
    }

    private static Task<WebApplication> StartBackendAsync() => Paas.Testing.LoopbackPort.StartOnFreePortsAsync(1, async ports =>
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{ports[0]}");
        var backend = builder.Build();
        backend.MapGet("/", (HttpContext c) => $"hello from the app; host={c.Request.Headers.Host}; proto={c.Request.Headers["X-Forwarded-Proto"]}");
        await backend.StartAsync();
        return backend;
    });

    private static async Task<HttpResponseMessage> EventuallyAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode expected)
    {
        HttpResponseMessage response;
        var deadline = DateTime.UtcNow.AddSeconds(5);
        do
        {
            response = await send();
            if (response.StatusCode == expected)
            {
                return response;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"expected {(int)expected} within 5 s, still {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return response;
    }

    internal static (string Cert, string Key) SelfSigned(string name)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        using var cert = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return (cert.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    [Fact]
    public async Task Requests_reach_the_app_by_its_name_and_custom_domains_and_respect_settings()
    {
        await using var backend = await StartBackendAsync();
        var address = new Uri(backend.Urls.First()).Authority;
        await using var platform = await TestPlatform.StartAsync(configureServices: s => s.AddSingleton<IRouteEndpointSource>(new StaticEndpoints("hello", address)));
        var (alice, _) = await platform.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("hello"))).Read<AppInfo>(HttpStatusCode.Created);

        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(platform.RouterHttpUrl) };
        HttpRequestMessage Get(string host) => new(HttpMethod.Get, "/") { Headers = { Host = host } };

        var ok = await EventuallyAsync(() => http.SendAsync(Get("hello.localhost")), HttpStatusCode.OK);
        Assert.Contains("hello from the app; host=hello.localhost; proto=http", await ok.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.SendAsync(Get("nobody.localhost"))).StatusCode);

        await (await alice.Post("/v2/apps/hello/domains", new DomainCreateRequest("WWW.Example.Test."))).Read<DomainInfo>(HttpStatusCode.Created);
        await (await alice.Post("/v2/apps/hello/domains", new DomainCreateRequest("www.example.test"))).Problem(HttpStatusCode.Conflict, "already routes to hello");
        await (await alice.Post("/v2/apps/hello/domains", new DomainCreateRequest("other.localhost"))).Problem(HttpStatusCode.BadRequest, "under the platform domain");
        await (await alice.Post("/v2/apps/hello/domains", new DomainCreateRequest("bad_domain!"))).Problem(HttpStatusCode.BadRequest, "is not a domain");
        Assert.Equal("www.example.test", Assert.Single((await alice.Get<PagedList<DomainInfo>>("/v2/apps/hello/domains")).Results).Domain);
        await EventuallyAsync(() => http.SendAsync(Get("www.example.test")), HttpStatusCode.OK);

        await (await alice.Post("/v2/apps/hello/settings", new AppSettingsInfo(Maintenance: true))).Read<AppSettingsInfo>();
        var maintenance = await EventuallyAsync(() => http.SendAsync(Get("hello.localhost")), HttpStatusCode.ServiceUnavailable);
        Assert.Contains("maintenance", (await maintenance.Content.ReadAsStringAsync()).ToLowerInvariant(), StringComparison.Ordinal);
        await (await alice.Post("/v2/apps/hello/settings", new AppSettingsInfo(Maintenance: false, HttpsEnforced: true))).Read<AppSettingsInfo>();
        await EventuallyAsync(() => http.SendAsync(Get("hello.localhost")), HttpStatusCode.MovedPermanently);

        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync("/v2/apps/hello/domains/www.example.test")).StatusCode);
        await EventuallyAsync(() => http.SendAsync(Get("www.example.test")), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Grpc_enable_sends_grpc_requests_to_the_processes_as_h2c_and_the_rest_as_http1()
    {
        // The process serves HTTP/2 without TLS only (h2c with prior knowledge), as a gRPC server does.
        await using var backend = await Paas.Testing.LoopbackPort.StartOnFreePortsAsync(1, async ports =>
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, ports[0], listen => listen.Protocols = Microsoft.AspNetCore.Server.Kestrel.Core.HttpProtocols.Http2));
            var app = builder.Build();
            app.Run(c => c.Response.WriteAsync("protocol=" + c.Request.Protocol));
            await app.StartAsync();
            return app;
        });
        var address = new Uri(backend.Urls.First()).Authority;
        await using var platform = await TestPlatform.StartAsync(settings: new Dictionary<string, string?> { ["Paas:RegistrationMode"] = "enabled" }, configureServices: s => s.AddSingleton<IRouteEndpointSource>(new StaticEndpoints("rpc", address)));
        var (alice, _) = await platform.UserAsync("alice");
        var (bob, _) = await platform.UserAsync("bob");
        await (await alice.Post("/v2/apps", new AppCreateRequest("rpc"))).Read<AppInfo>(HttpStatusCode.Created);

        // gRPC clients call the router's HTTPS port over HTTP/2. What reached the process: "HTTP/2" when the call went as
        // h2c; anything else means it went as HTTP/1.1, which Kestrel's h2c-only endpoint refuses (a 400, or a reset stream).
        using var https = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true } });
        async Task<string> Reached(string contentType)
        {
            try
            {
                using var response = await https.SendAsync(new HttpRequestMessage(HttpMethod.Post, platform.RouterHttpsUrl + "/greeter.Greeter/SayHello")
                {
                    Headers = { Host = "rpc.localhost" },
                    Version = HttpVersion.Version20,
                    VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                    Content = new ByteArrayContent([0, 0, 0, 0, 0]) { Headers = { ContentType = new(contentType) } },
                });
                var body = await response.Content.ReadAsStringAsync();
                return response.StatusCode == HttpStatusCode.OK && body == "protocol=HTTP/2" ? "HTTP/2" : $"{(int)response.StatusCode} {body}";
            }
            catch (HttpRequestException e)
            {
                return e.Message;
            }
        }

        // Waits for the route to say what is asked: HTTP/2, or anything else from the process (not the router's 404 of a route not there yet).
        async Task<string> Eventually(string contentType, bool http2)
        {
            var deadline = DateTime.UtcNow.AddSeconds(5);
            string reached;
            while (!(http2 ? (reached = await Reached(contentType)) == "HTTP/2" : (reached = await Reached(contentType)) != "HTTP/2" && !reached.StartsWith("404", StringComparison.Ordinal))
                && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }

            return reached;
        }

        // Off by default: the call goes to the process as HTTP/1.1.
        Assert.False((await alice.Get<AppSettingsInfo>("/v2/apps/rpc/settings")).Grpc);
        var http1 = await Eventually("application/grpc", http2: false);
        Assert.True(http1 != "HTTP/2" && !http1.StartsWith("404", StringComparison.Ordinal), http1);

        // Only a deployer of the app may switch it; then gRPC goes as h2c and anything else still as HTTP/1.1.
        await (await bob.Post("/v2/apps/rpc/settings", new AppSettingsInfo(Grpc: true))).Problem(HttpStatusCode.NotFound);
        Assert.True((await (await alice.Post("/v2/apps/rpc/settings", new AppSettingsInfo(Grpc: true))).Read<AppSettingsInfo>()).Grpc);
        Assert.Equal("HTTP/2", await Eventually("application/grpc+proto", http2: true));
        Assert.NotEqual("HTTP/2", await Reached("application/json"));
        Assert.True((await alice.Get<AppSettingsInfo>("/v2/apps/rpc/settings")).Grpc);

        await (await alice.Post("/v2/apps/rpc/settings", new AppSettingsInfo(Grpc: false))).Read<AppSettingsInfo>();
        Assert.NotEqual("HTTP/2", await Eventually("application/grpc", http2: false));
    }

    [Fact]
    public async Task An_uploaded_certificate_is_validated_and_served_by_sni_for_its_domain()
    {
        await using var backend = await StartBackendAsync();
        var address = new Uri(backend.Urls.First()).Authority;
        await using var platform = await TestPlatform.StartAsync(configureServices: s => s.AddSingleton<IRouteEndpointSource>(new StaticEndpoints("shop", address)));
        var (alice, _) = await platform.UserAsync("alice");
        await (await alice.Post("/v2/apps", new AppCreateRequest("shop"))).Read<AppInfo>(HttpStatusCode.Created);
        await (await alice.Post("/v2/apps/shop/domains", new DomainCreateRequest("shop.example.test"))).Read<DomainInfo>(HttpStatusCode.Created);

        var (cert, key) = SelfSigned("shop.example.test");
        var (_, otherKey) = SelfSigned("shop.example.test");
        await (await alice.Post("/v2/certs", new CertificateCreateRequest("shop-cert", cert, otherKey))).Problem(HttpStatusCode.BadRequest, "cannot be served");
        var info = await (await alice.Post("/v2/certs", new CertificateCreateRequest("shop-cert", cert, key))).Read<CertificateInfo>(HttpStatusCode.Created);
        Assert.Equal(["shop.example.test"], info.Names);
        await (await alice.Post("/v2/certs", new CertificateCreateRequest("shop-cert", cert, key))).Problem(HttpStatusCode.Conflict);
        await (await alice.Post("/v2/certs/shop-cert/domain", new CertificateAttachRequest("nowhere.example.test"))).Problem(HttpStatusCode.NotFound, "domains:add");
        var attached = await (await alice.Post("/v2/certs/shop-cert/domain", new CertificateAttachRequest("shop.example.test"))).Read<CertificateInfo>();
        Assert.Equal(["shop.example.test"], attached.Domains);

        X509Certificate2? served = null;
        var routerHttps = new Uri(platform.RouterHttpsUrl);
        var response = await EventuallyAsync(async () =>
        {
            // A new connection each time: the certificate is chosen at the TLS handshake.
            using var https = new HttpClient(new SocketsHttpHandler
            {
                SslOptions = new SslClientAuthenticationOptions
                {
                    TargetHost = "shop.example.test",
                    RemoteCertificateValidationCallback = (_, c, _, _) =>
                    {
                        served = c is null ? null : new X509Certificate2(c);
                        return true;
                    },
                },
            });
            var r = await https.SendAsync(new HttpRequestMessage(HttpMethod.Get, routerHttps) { Headers = { Host = "shop.example.test" } });
            await r.Content.LoadIntoBufferAsync();
            return served?.Subject == "CN=shop.example.test" ? r : new HttpResponseMessage(HttpStatusCode.Continue);
        }, HttpStatusCode.OK);
        Assert.Contains("proto=https", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await alice.DeleteAsync("/v2/certs/shop-cert")).StatusCode);
        Assert.Empty((await alice.Get<PagedList<CertificateInfo>>("/v2/certs")).Results);
    }
}

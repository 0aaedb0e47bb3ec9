using System.Net;
using System.Security.Cryptography.X509Certificates;
using Paas.Router.Routing;
using Paas.Router.Tests.Infrastructure;
using Paas.Router.Tls;

namespace Paas.Router.Tests.Tls;

public sealed class TlsTests
{
    [Fact]
    public async Task Http2_over_tls_picks_the_certificate_by_sni()
    {
        await using var backend = await Backend.StartAsync("A");
        var (certificatePem, keyPem) = PlatformCertificate.CreateSelfSigned("example.com");
        await using var router = await RouterServer.StartAsync(new RouteTable(
            [new AppRoute("alpha", ["www.example.com"], [new RouteEndpoint(backend.Address, "web.1")])],
            [new RouteCertificate("example", certificatePem, keyPem, ["www.example.com"])]));

        var (custom, customVersion, customBody) = await GetOverTls(router, "https://www.example.com/hello");
        var (platform, platformVersion, _) = await GetOverTls(router, "https://alpha.paas.test/hello");

        Assert.Equal("hello from A", customBody);
        Assert.Equal(HttpVersion.Version20, customVersion);
        Assert.Equal(HttpVersion.Version20, platformVersion);
        Assert.Equal("CN=*.example.com, O=paas router (self-signed)", custom);
        Assert.Equal("CN=*.paas.test, O=paas router (self-signed)", platform);
        Assert.True(File.Exists(Path.Combine(router.DataDirectory, "router", "tls", "platform.crt")));
        Assert.True(File.Exists(Path.Combine(router.DataDirectory, "router", "tls", "platform.key")));
    }

    [Fact]
    public async Task Tls_enable_redirects_http_to_https_and_sends_hsts()
    {
        await using var backend = await Backend.StartAsync("A");
        await using var router = await RouterServer.StartAsync(new RouteTable(
            [new AppRoute("alpha", [], [new RouteEndpoint(backend.Address, "web.1")]) { ForceHttps = true }], []));
        using var client = router.CreateClient();

        using var redirect = await client.GetAsync("http://alpha.paas.test/hello?x=1");
        using var post = await client.PostAsync("http://alpha.paas.test/upload", new StringContent("x"));
        using var secure = await client.GetAsync("https://alpha.paas.test/hello");

        Assert.Equal(HttpStatusCode.MovedPermanently, redirect.StatusCode);
        Assert.Equal($"https://alpha.paas.test:{router.HttpsPort}/hello?x=1", redirect.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.PermanentRedirect, post.StatusCode);
        Assert.Equal(HttpStatusCode.OK, secure.StatusCode);
        Assert.Equal("max-age=31536000", secure.Headers.GetValues("Strict-Transport-Security").Single());
        Assert.Equal(1, backend.Requests);
    }

    private static async Task<(string Subject, Version Version, string Body)> GetOverTls(RouterServer router, string url)
    {
        string? subject = null;
        using var client = router.CreateClient(handler => handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            subject = new X509Certificate2(certificate!).Subject;
            return true;
        });
        using var request = new HttpRequestMessage(HttpMethod.Get, url) { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await client.SendAsync(request);
        return (subject!, response.Version, await response.Content.ReadAsStringAsync());
    }
}

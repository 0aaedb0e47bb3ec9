using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paas.Router.Routing;
using Paas.Router.Tests.Infrastructure;

namespace Paas.Router.Tests.Forwarding;

/// <summary>gRPC through the router: HTTP/2 from the client over TLS, h2c to an app that opted in, trailers end to end.</summary>
public sealed class GrpcTests
{
    [Fact]
    public async Task A_grpc_call_goes_to_an_opted_in_app_over_h2c_with_its_trailers()
    {
        await using var backend = await StartGrpcLikeBackendAsync();
        var port = new Uri(backend.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First()).Port;
        await using var router = await RouterServer.StartAsync(new RouteTable(
            [new AppRoute("grpc", [], [new RouteEndpoint($"127.0.0.1:{port}", "web.1")]) { GrpcOverH2c = true }], []));
        using var client = router.CreateClient();

        using var request = new HttpRequestMessage(HttpMethod.Post, "https://grpc.paas.test/greet.Greeter/SayHello")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent([0, 0, 0, 0, 2, 0x0a, 0x00]),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.ParseAdd("trailers");
        using var response = await client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("HTTP/2", response.Headers.GetValues("X-Backend-Protocol").Single());
        Assert.Equal([0, 0, 0, 0, 2, 0x0a, 0x00], body);
        Assert.Equal("0", response.TrailingHeaders.GetValues("grpc-status").Single());
    }

    /// <summary>An h2c-only Kestrel app answering like a gRPC server: the request message echoed, then grpc-status in trailers.</summary>
    private static Task<WebApplication> StartGrpcLikeBackendAsync() =>
        Paas.Testing.LoopbackPort.StartOnFreePortsAsync(1, StartGrpcLikeBackendOnAsync);

    private static async Task<WebApplication> StartGrpcLikeBackendOnAsync(int[] ports)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, ports[0], listen => listen.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.Run(async context =>
        {
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["X-Backend-Protocol"] = context.Request.Protocol;
            context.Response.DeclareTrailer("grpc-status");
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            await context.Response.Body.WriteAsync(buffer.ToArray());
            context.Response.AppendTrailer("grpc-status", "0");
        });
        await app.StartAsync();
        return app;
    }
}

using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Paas.Chart.Tests.Cluster;

/// <summary>Forwards every request on 127.0.0.1 to the fake API server with its bearer token added (helm sends none over HTTP).</summary>
internal sealed class TokenProxy : IAsyncDisposable
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase) { "Connection", "Keep-Alive", "Transfer-Encoding", "Upgrade", "Host", "Content-Length" };
    private readonly WebApplication _app;
    private readonly HttpClient _client;

    private TokenProxy(WebApplication app, HttpClient client, Uri url)
    {
        _app = app;
        _client = client;
        Url = url;
    }

    /// <summary>The proxy's address.</summary>
    public Uri Url { get; }

    public static async Task<TokenProxy> StartAsync(Uri target, string token)
    {
        var client = new HttpClient { BaseAddress = target, Timeout = TimeSpan.FromMinutes(1) };
        var app = await Paas.Testing.LoopbackPort.StartOnFreePortsAsync(1, async ports =>
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, ports[0]));
            var proxy = builder.Build();
            proxy.Run(context => ForwardAsync(context, client, token));
            await proxy.StartAsync();
            return proxy;
        });
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TokenProxy(app, client, new Uri(address));
    }

    private static async Task ForwardAsync(HttpContext context, HttpClient client, string token)
    {
        using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            request.Content = new StreamContent(context.Request.Body);
        }

        foreach (var (name, values) in context.Request.Headers)
        {
            if (HopByHop.Contains(name))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, values.ToArray()))
            {
                request.Content?.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
        {
            if (!HopByHop.Contains(name))
            {
                context.Response.Headers[name] = values.ToArray();
            }
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _client.Dispose();
    }
}

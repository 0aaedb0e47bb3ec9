using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Paas.Router.Tests.Infrastructure;

/// <summary>A tiny app process on 127.0.0.1:0: the thing behind the router.</summary>
public sealed class Backend : IAsyncDisposable
{
    private static readonly byte[] Chunk = CreateChunk();
    private readonly WebApplication _app;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _connections = new();
    private int _requests;
    private int _uploads;

    private Backend(WebApplication app, string name)
    {
        _app = app;
        Name = name;
    }

    public string Name { get; }

    public int Port { get; private set; }

    public string Address => $"127.0.0.1:{Port}";

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>How many request bodies <c>POST /upload</c> read to their end.</summary>
    public int Uploads => Volatile.Read(ref _uploads);

    /// <summary>How many distinct connections requests arrived on.</summary>
    public int Connections => _connections.Count;

    /// <summary>Its state for assertion messages: requests seen, and whether its host is stopping.</summary>
    public string Diagnostics() =>
        $"{Requests} requests, stopping: {_app.Services.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested}";

    /// <summary>Starts a backend on a free port (another one when a program took it between the choice and the bind).</summary>
    public static Task<Backend> StartAsync(string name) =>
        Paas.Testing.LoopbackPort.StartOnFreePortsAsync(1, ports => StartOnAsync(name, ports[0]));

    private static async Task<Backend> StartOnAsync(string name, int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(System.Net.IPAddress.Loopback, port); // not 0: see FreePorts
            k.Limits.MaxRequestBodySize = null;
        });
        var app = builder.Build();
        var backend = new Backend(app, name);
        app.UseWebSockets();
        app.Use((context, next) =>
        {
            Interlocked.Increment(ref backend._requests);
            backend._connections.TryAdd(context.Connection.Id, 0);
            return next(context);
        });
        app.MapGet("/hello", () => "hello from " + name);
        app.MapGet("/headers", (HttpContext context) =>
        {
            context.Response.Headers["Keep-Alive"] = "timeout=5";
            context.Response.Headers["Proxy-Connection"] = "keep-alive";
            context.Response.Headers["X-Backend"] = name;
            var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            return Results.Json(headers);
        });
        app.MapPost("/upload", async (HttpContext context) =>
        {
            var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
            long total = 0;
            int read;
            while ((read = await context.Request.Body.ReadAsync(buffer)) > 0)
            {
                total += read;
            }

            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Increment(ref backend._uploads);
            return total.ToString(System.Globalization.CultureInfo.InvariantCulture);
        });
        app.MapGet("/download", async (HttpContext context, long bytes) =>
        {
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = bytes;
            var left = bytes;
            while (left > 0)
            {
                var n = (int)Math.Min(left, Chunk.Length);
                await context.Response.Body.WriteAsync(Chunk.AsMemory(0, n));
                left -= n;
            }
        });
        app.MapGet("/slow", async (int ms) =>
        {
            await Task.Delay(ms);
            return "slow from " + name;
        });
        app.MapGet("/chunks", async (HttpContext context, int count, int ms) =>
        {
            context.Response.ContentType = "text/plain";
            for (var i = 0; i < count; i++)
            {
                await context.Response.WriteAsync($"chunk {i}\n");
                await context.Response.Body.FlushAsync();
                await Task.Delay(ms);
            }
        });
        app.MapGet("/crash", (HttpContext context) =>
        {
            context.Abort();
            return Task.CompletedTask;
        });
        app.Map("/ws", async (HttpContext context) =>
        {
            if (!context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = 400;
                return;
            }

            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[4096];
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, result.Count), result.MessageType, result.EndOfMessage, CancellationToken.None);
            }
        });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        backend.Port = new Uri(address).Port;
        return backend;
    }

    public static Dictionary<string, string> ParseHeaders(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json, JsonSerializerOptions.Web)!
            .ToDictionary(p => p.Key, p => p.Value, StringComparer.OrdinalIgnoreCase);

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private static byte[] CreateChunk()
    {
        var chunk = new byte[64 * 1024];
        Encoding.ASCII.GetBytes(new string('x', chunk.Length)).CopyTo(chunk, 0);
        return chunk;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paas.Router.Forwarding;
using Paas.Router.Hosting;
using Paas.Router.Routing;
using Yarp.ReverseProxy.Forwarder;

// Usage: RouterBench backend PORT
//        RouterBench router PORT BACKEND_PORT DATA_DIR
//        RouterBench bare-yarp PORT BACKEND_PORT   (YARP's direct forwarder alone: the floor of what forwarding costs)
//        RouterBench breakdown [SECONDS]           (in memory, no sockets: the router's work per request against YARP's, see Breakdown.cs)
var mode = args.Length > 0 ? args[0] : string.Empty;
if (mode == "breakdown")
{
    return await RouterBench.Breakdown.RunAsync(args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 60);
}

var port = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
builder.Logging.SetMinimumLevel(LogLevel.Warning);
if (Environment.GetEnvironmentVariable("ROUTERBENCH_LOG") == "1")
{
    // For debugging the bench set-up: the router's own diagnostics on the console.
    builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Debug);
}

// Socket transport knobs for experiments: ROUTERBENCH_IOQUEUE=N, ROUTERBENCH_WAITFORDATA=0. The bare forwarder runs
// requests inline when socket completions are (DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1), as the router does
// (AddPaasRouter), so both run under the same scheduling.
builder.WebHost.UseSockets(o =>
{
    if (int.TryParse(Environment.GetEnvironmentVariable("ROUTERBENCH_IOQUEUE"), CultureInfo.InvariantCulture, out var queues))
    {
        o.IOQueueCount = queues;
    }

    if (Environment.GetEnvironmentVariable("ROUTERBENCH_WAITFORDATA") == "0")
    {
        o.WaitForDataBeforeAllocatingBuffer = false;
    }

    if (mode == "bare-yarp")
    {
        SocketCompletions.ApplyTo(o);
    }
});

switch (mode)
{
    case "backend":
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var backend = builder.Build();
        var body = Encoding.ASCII.GetBytes("Hello, World!");
        backend.Run(context =>
        {
            context.Response.ContentType = "text/plain";
            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body, 0, body.Length);
        });
        await backend.RunAsync();
        break;

    case "router":
        var backendPort = int.Parse(args[2], CultureInfo.InvariantCulture);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Paas:Router:HttpPort"] = port.ToString(CultureInfo.InvariantCulture),
            ["Paas:Router:HttpsPort"] = "-1",
            ["Paas:Router:ListenAddress"] = "127.0.0.1",
            ["Paas:Router:Domain"] = "bench.test",
            ["Paas:Router:DataDirectory"] = args[3],
        });
        builder.Services.AddPaasRouter(builder.Configuration);
        builder.WebHost.ConfigureKestrel(k => k.ListenPaasRouter());
        var router = builder.Build();
        router.UsePaasRouter();
        router.Services.GetRequiredService<RouteTableStore>().Update(new RouteTable(
            [new AppRoute("bench", [], [new RouteEndpoint($"127.0.0.1:{backendPort}", "web.1")])], []));
        await router.RunAsync();
        break;

    case "bare-yarp":
        // The smallest YARP direct-forwarding app: IHttpForwarder, the default transformer (X-Forwarded-*), and a
        // SocketsHttpHandler set as the router's is (BackendInvoker.PassThroughHandler: no proxy, redirects, cookies,
        // decompression or trace headers).
        var prefix = "http://127.0.0.1:" + args[2];
        builder.Services.AddHttpForwarder();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var bare = builder.Build();
        var forwarder = bare.Services.GetRequiredService<IHttpForwarder>();
        var handler = BackendInvoker.PassThroughHandler();
        handler.ConnectTimeout = TimeSpan.FromSeconds(5);
        var invoker = new HttpMessageInvoker(handler);
        // ROUTERBENCH_BARE_HEADERS=1: the same request headers as the router sends (the Heroku set), to tell their cost
        // from the rest of the router's work; =empty: HttpTransformer.Empty (the client's headers as they are), to compare
        // a known difference in YARP's own work here with the in-memory breakdown's figure for it.
        HttpTransformer transformer = Environment.GetEnvironmentVariable("ROUTERBENCH_BARE_HEADERS") switch
        {
            "1" => new HerokuHeaders(),
            "empty" => HttpTransformer.Empty,
            _ => HttpTransformer.Default,
        };
        // ROUTERBENCH_BARE_SPIN_NS=N: N ns of busy CPU per request before forwarding (no memory touched), to calibrate how
        // a known in-memory cost shows over sockets (bench README, "Calibration").
        var spin = long.TryParse(Environment.GetEnvironmentVariable("ROUTERBENCH_BARE_SPIN_NS"), CultureInfo.InvariantCulture, out var ns) ? ns * Stopwatch.Frequency / 1_000_000_000 : 0;
        bare.Run(async context =>
        {
            if (spin > 0)
            {
                var until = Stopwatch.GetTimestamp() + spin;
                while (Stopwatch.GetTimestamp() < until)
                {
                }
            }

            await forwarder.SendAsync(context, prefix, invoker, BareForwarder.Config, transformer);
        });
        await bare.RunAsync();
        break;

    default:
        Console.Error.WriteLine("usage: RouterBench backend PORT | RouterBench router PORT BACKEND_PORT DATA_DIR | RouterBench bare-yarp PORT BACKEND_PORT | RouterBench breakdown [SECONDS]");
        return 2;
}

return 0;

/// <summary>The bare forwarder's request settings, the socket bench's and the in-memory breakdown's alike.</summary>
internal static class BareForwarder
{
    /// <summary>HTTP/1.1 to the backend (lower if asked), YARP's activity timeout at the router's default idle timeout (55 s).</summary>
    public static readonly ForwarderRequestConfig Config = new() { ActivityTimeout = TimeSpan.FromSeconds(55), Version = HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionOrLower };
}

/// <summary>
/// For the bare forwarder (and the breakdown's yarp-heroku): the client's headers as YARP copies them (its base
/// transformer, which keeps the client's <c>Host</c>), then the headers the router adds, computed simply but without a system call per request (the
/// request id from <see cref="Random.Shared"/> as the router makes it: <see cref="Guid.NewGuid"/> reads
/// <c>/dev/urandom</c> each time, which once made these headers look costlier than they are).
/// </summary>
internal sealed class HerokuHeaders : HttpTransformer
{
    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        var headers = proxyRequest.Headers;
        var host = httpContext.Request.Headers.Host.ToString();
        headers.Host = host;
        headers.TryAddWithoutValidation("X-Forwarded-For", httpContext.Connection.RemoteIpAddress?.ToString());
        headers.TryAddWithoutValidation("X-Forwarded-Proto", "http");
        headers.TryAddWithoutValidation("X-Forwarded-Port", httpContext.Connection.LocalPort.ToString(CultureInfo.InvariantCulture));
        Span<byte> id = stackalloc byte[16];
        Random.Shared.NextBytes(id);
        headers.TryAddWithoutValidation("X-Request-Id", new Guid(id).ToString());
        headers.TryAddWithoutValidation("X-Request-Start", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        headers.TryAddWithoutValidation("Via", "1.1 paas-router");
    }
}

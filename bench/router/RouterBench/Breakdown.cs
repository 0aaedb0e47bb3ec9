using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Paas.Router.Forwarding;
using Paas.Router.Hosting;
using Paas.Router.Pipeline;
using Paas.Router.Routing;
using Yarp.ReverseProxy.Forwarder;

namespace RouterBench;

/// <summary>
/// <c>RouterBench breakdown [SECONDS]</c>: where the router's CPU goes on top of YARP, without sockets. Each variant
/// serves requests one after another on one thread, from a made-up <see cref="HttpContext"/> (GET /, <c>Host</c> only,
/// as wrk sends) through YARP's <see cref="IHttpForwarder"/> and a real <see cref="SocketsHttpHandler"/> whose connection
/// is <see cref="CannedBackendConnection"/>. So what is measured is the user-space work per request of everything
/// between Kestrel and the socket: the router's pipeline, YARP, HttpClient's HTTP/1.1 writer and parser; not Kestrel, the
/// kernel or the backend, which cost every variant the same. The variants take turns in 100 ms slices (rotated), so a
/// slower machine moment costs them all alike; the first <see cref="WarmUpSeconds"/> are not counted (tiered code).
/// Run it alone on a CPU: <c>taskset -c 1 dotnet RouterBench.dll breakdown 60</c>.
/// </summary>
internal static class Breakdown
{
    private const int WarmUpSeconds = 10;

    public static async Task<int> RunAsync(double seconds)
    {
        const string Prefix = "http://127.0.0.1:18181";
        var handler = BackendInvoker.PassThroughHandler();
        handler.ConnectCallback = (_, _) => ValueTask.FromResult<Stream>(new CannedBackendConnection());
        var invoker = new HttpMessageInvoker(handler, disposeHandler: true);
        var forwarder = new ServiceCollection().AddLogging().AddHttpForwarder().BuildServiceProvider().GetRequiredService<IHttpForwarder>();
        var config = BareForwarder.Config;
        var heroku = new HerokuHeaders();
        var router = BuildRouter(invoker, out var app, out var pipeline);
        var variants = new (string Name, string What, Func<HttpContext, Task> Serve)[]
        {
            ("bare-yarp", "IHttpForwarder + HttpTransformer.Default (the socket bench's floor)", c => forwarder.SendAsync(c, Prefix, invoker, config, HttpTransformer.Default).AsTask()),
            ("yarp-empty", "IHttpForwarder + HttpTransformer.Empty (client headers as they are)", c => forwarder.SendAsync(c, Prefix, invoker, config, HttpTransformer.Empty).AsTask()),
            ("yarp-heroku", "HttpTransformer.Empty + the router's Heroku header set (bare-heroku)", c => forwarder.SendAsync(c, Prefix, invoker, config, heroku).AsTask()),
            ("exchange", "the router's ForwardExchange alone (its headers, first-byte timer, pooling)", c => ForwardAsync(forwarder, invoker, app, c)),
            ("pipeline", "the router's pipeline (match, gates, balancing, exchange, line), no middleware", pipeline.InvokeAsync),
            ("router", "Paas.Router as paasd hosts it (AddPaasRouter + UsePaasRouter)", router),
        };

        var items = new Dictionary<object, object?> { [RouterConnection.Key] = RouterConnection.Key };
        var requests = new long[variants.Length];
        var elapsed = new double[variants.Length];
        var allocated = new long[variants.Length];
        var slice = new Stopwatch();
        var total = Stopwatch.StartNew();
        Console.WriteLine($"breakdown: {variants.Length} variants in turns of 100 ms for {seconds:F0} s (the first {WarmUpSeconds} s not counted)...");
        for (var round = 0; total.Elapsed.TotalSeconds < seconds; round++)
        {
            for (var turn = 0; turn < variants.Length; turn++)
            {
                var v = (turn + round) % variants.Length;
                var serve = variants[v].Serve;
                var bytes = GC.GetTotalAllocatedBytes(precise: true);
                long served = 0;
                slice.Restart();
                while (slice.ElapsedMilliseconds < 100)
                {
                    var context = NewContext(items);
                    await serve(context);
                    if (context.Response.StatusCode != 200)
                    {
                        throw new InvalidOperationException($"{variants[v].Name} answered {context.Response.StatusCode}");
                    }

                    served++;
                }

                if (total.Elapsed.TotalSeconds > WarmUpSeconds)
                {
                    requests[v] += served;
                    elapsed[v] += slice.Elapsed.TotalNanoseconds;
                    allocated[v] += GC.GetTotalAllocatedBytes(precise: true) - bytes;
                }
            }
        }

        var floor = elapsed[0] / requests[0];
        Console.WriteLine($"{"variant",-12} {"ns/request",10} {"x bare-yarp",11} {"B/request",9}  what");
        for (var v = 0; v < variants.Length; v++)
        {
            var perRequest = elapsed[v] / requests[v];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{variants[v].Name,-12} {perRequest,10:F0} {perRequest / floor,11:F3} {allocated[v] / requests[v],9}  {variants[v].What}"));
        }

        return 0;
    }

    /// <summary>What the exchange variant does for each request: the router's forwarding step without its pipeline.</summary>
    private static async Task ForwardAsync(IHttpForwarder forwarder, HttpMessageInvoker invoker, AppState app, HttpContext context)
    {
        var exchange = ForwardExchange.Rent(context, app, RequestIds.KeepOrCreate(null), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        try
        {
            exchange.Start();
            await forwarder.SendAsync(context, app.Endpoints[0].DestinationPrefix, invoker, app.Http1, exchange, exchange.Token);
        }
        finally
        {
            exchange.Return(context);
        }
    }

    private static Func<HttpContext, Task> BuildRouter(HttpMessageInvoker invoker, out AppState app, out RouterPipeline pipeline)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(new BackendInvoker(invoker));
        services.AddPaasRouter(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Paas:Router:HttpsPort"] = "-1",
            ["Paas:Router:Domain"] = "bench.test",
            ["Paas:Router:DataDirectory"] = Path.Combine(Path.GetTempPath(), "routerbench-breakdown"),
        }).Build());
        var provider = services.BuildServiceProvider();
        var store = provider.GetRequiredService<RouteTableStore>();
        store.Update(new RouteTable([new AppRoute("bench", [], [new RouteEndpoint("127.0.0.1:18181", "web.1")])], []));
        app = store.Compiled.MatchApp("bench.bench.test") ?? throw new InvalidOperationException("no route for bench.bench.test");
        pipeline = provider.GetRequiredService<RouterPipeline>();
        var builder = new ApplicationBuilder(provider);
        builder.UsePaasRouter();
        var serve = builder.Build();
        return context => serve(context);
    }

    /// <summary>A request as wrk sends it, on a router connection from 127.0.0.1 to port 18182.</summary>
    private static DefaultHttpContext NewContext(IDictionary<object, object?> items)
    {
        var request = new HttpRequestFeature { Method = "GET", Path = "/", Protocol = "HTTP/1.1", Scheme = "http", RawTarget = "/" };
        request.Headers.Host = "bench.bench.test";
        var features = new FeatureCollection();
        features.Set<IHttpRequestFeature>(request);
        features.Set<IHttpResponseFeature>(new HttpResponseFeature());
        features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        features.Set<IHttpConnectionFeature>(new HttpConnectionFeature { RemoteIpAddress = IPAddress.Loopback, RemotePort = 40000, LocalIpAddress = IPAddress.Loopback, LocalPort = 18182 });
        features.Set<IHttpRequestBodyDetectionFeature>(NoBody.Instance);
        features.Set<IConnectionItemsFeature>(new ConnectionItems(items));
        return new DefaultHttpContext(features);
    }

    private sealed class NoBody : IHttpRequestBodyDetectionFeature
    {
        public static readonly NoBody Instance = new();

        public bool CanHaveBody => false;
    }

    private sealed class ConnectionItems(IDictionary<object, object?> items) : IConnectionItemsFeature
    {
        public IDictionary<object, object?> Items { get; set; } = items;
    }
}

/// <summary>
/// A fake backend connection for <see cref="Breakdown"/> (no socket, so no kernel work in the measure): every request
/// written to it is answered with the bench backend's response, <c>200</c> with the 13 bytes <c>Hello, World!</c> and
/// the headers Kestrel sends. A read with no answer pending waits for the next request (HttpClient reads ahead on idle
/// connections).
/// </summary>
internal sealed class CannedBackendConnection : Stream
{
    private static readonly byte[] Response = Encoding.ASCII.GetBytes(
        "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\nDate: Mon, 07 Dec 2026 14:00:00 GMT\r\nServer: Kestrel\r\n\r\nHello, World!");

    private int _pending;
    private TaskCompletionSource? _written;

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        // HttpClient writes a body-less request's head in one write.
        _pending = Response.Length;
        var written = _written;
        _written = null;
        written?.SetResult();
        return default;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_pending == 0)
        {
            _written = new TaskCompletionSource();
            await _written.Task.WaitAsync(cancellationToken);
        }

        var count = Math.Min(buffer.Length, _pending);
        Response.AsSpan(Response.Length - _pending, count).CopyTo(buffer.Span);
        _pending -= count;
        return count;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}

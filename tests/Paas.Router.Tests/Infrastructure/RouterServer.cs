using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Paas.Router.Hosting;
using Paas.Router.Logging;
using Paas.Router.Routing;

using Paas.Testing;

namespace Paas.Router.Tests.Infrastructure;

/// <summary>The router as the platform hosts it (AddPaasRouter + ListenPaasRouter + UsePaasRouter), on loopback.</summary>
public sealed class RouterServer : IAsyncDisposable
{
    public const string Domain = "paas.test";
    private readonly WebApplication _app;

    private RouterServer(WebApplication app, int httpPort, int httpsPort, string dataDirectory)
    {
        _app = app;
        HttpPort = httpPort;
        HttpsPort = httpsPort;
        DataDirectory = dataDirectory;
    }

    public int HttpPort { get; }

    public int HttpsPort { get; }

    public string DataDirectory { get; }

    public RecordingLogSink Log { get; } = new();

    /// <summary>What the host's loggers received at Debug and above (the router's own diagnostics, Kestrel's, YARP's).</summary>
    public RecordingLoggerProvider Diagnostics { get; private init; } = null!;

    public RouteTableStore Routes => _app.Services.GetRequiredService<RouteTableStore>();

    public IServiceProvider Services => _app.Services;

    public static async Task<RouterServer> StartAsync(RouteTable? table = null, Action<WebApplication>? configureOther = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        return await LoopbackPort.StartOnFreePortsAsync(3, async ports =>
        {
            var (httpPort, httpsPort, otherPort) = (ports[0], ports[1], ports[2]);
            var dataDirectory = Path.Combine(Path.GetTempPath(), "paas-router-tests", Guid.NewGuid().ToString("N"));
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            var logs = new RecordingLoggerProvider();
            builder.Logging.AddProvider(logs);
            builder.Logging.SetMinimumLevel(LogLevel.Debug);
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Paas:Router:HttpPort"] = httpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Paas:Router:HttpsPort"] = httpsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Paas:Router:ListenAddress"] = "127.0.0.1",
                ["Paas:Router:Domain"] = Domain,
                ["Paas:Router:DataDirectory"] = dataDirectory,
            });
            if (settings is not null)
            {
                builder.Configuration.AddInMemoryCollection(settings);
            }

            RecordingLogSink? sink = null;
            builder.Services.AddSingleton<IRouterLogSink>(_ => sink!);
            builder.Services.AddPaasRouter(builder.Configuration);
            builder.WebHost.ConfigureKestrel(k => k.ListenPaasRouter());
            if (configureOther is not null)
            {
                builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, otherPort));
            }

            var app = builder.Build();
            var server = new RouterServer(app, httpPort, httpsPort, dataDirectory) { Diagnostics = logs };
            sink = server.Log;
            app.UsePaasRouter();
            configureOther?.Invoke(app);
            if (table is not null)
            {
                server.Routes.Update(table);
            }

            try
            {
                await app.StartAsync();
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }

            return server;
        });
    }

    /// <summary>An HTTP client whose every connection goes to the router, whatever the host name in the URL.</summary>
    public HttpClient CreateClient(Action<SocketsHttpHandler>? configure = null)
    {
        var handler = CreateHandler();
        configure?.Invoke(handler);
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
    }

    public SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectCallback = async (context, ct) =>
        {
            var port = context.InitialRequestMessage.RequestUri!.Scheme is "https" or "wss" ? HttpsPort : HttpPort;
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), ct);
            return new NetworkStream(socket, ownsSocket: true);
        },
        SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true },
    };

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
